using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace AirQuality.EnforcementConsole.Internal;

/// <summary>
/// Data protection keys held in memory only. Without a repository of its own, ASP.NET Core writes its key ring to
/// <c>~/.aspnet/DataProtection-Keys</c> at start-up (even with the ephemeral provider, through its hosted service).
/// </summary>
sealed class InMemoryKeyRepository : IXmlRepository
{
    readonly List<XElement> _elements = [];
    readonly Lock _lock = new();

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (_lock)
        {
            return _elements.Select(e => new XElement(e)).ToList();
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        lock (_lock)
        {
            _elements.Add(new XElement(element));
        }
    }
}
