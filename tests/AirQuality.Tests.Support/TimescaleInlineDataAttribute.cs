using System.Reflection;
using AirQuality.Development;
using Xunit.Sdk;

namespace AirQuality.Tests.Support;

/// <summary>
/// A theory's row for TimescaleDB's path (usually <c>"auto"</c> first); the row is skipped, saying so, where the
/// extension is not installed, instead of running through the plain-PostgreSQL fallback that the theory's
/// <c>"off"</c> rows test anyway.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class TimescaleInlineDataAttribute : DataAttribute
{
    readonly object[] _row;

    public TimescaleInlineDataAttribute(params object[] row)
    {
        _row = row;
        if (!PrivateCluster.TimescaleIsInstalled)
        {
            Skip = "TimescaleDB is not installed for this PostgreSQL server (timescaledb.so is missing), so this row's TimescaleDB path " +
                "was not tested; the plain-PostgreSQL rows were. Install TimescaleDB for PostgreSQL 15 to test it.";
        }
    }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [_row];
}
