namespace AirQuality.Ingest.Validation;

/// <summary>
/// The sensor or source ids the registry holds, swapped whole when the registry is reloaded, so an id imported while
/// workers run is accepted within one refresh interval instead of after a restart.
/// </summary>
public sealed class KnownIds(IEnumerable<string> ids)
{
    volatile HashSet<string> _ids = new(ids, StringComparer.Ordinal);

    public int Count => _ids.Count;

    public bool Contains(string id) => _ids.Contains(id);

    public void Replace(IEnumerable<string> ids) => _ids = new HashSet<string>(ids, StringComparer.Ordinal);
}
