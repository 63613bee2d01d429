using AirQuality.Development;
using Xunit;

namespace AirQuality.Tests.Support;

/// <summary>
/// A fact about TimescaleDB's path (hypertables, compression); skipped, saying so, where the extension is not
/// installed, instead of passing through the plain-PostgreSQL fallback that its sibling tests check anyway.
/// </summary>
public sealed class TimescaleFactAttribute : FactAttribute
{
    public TimescaleFactAttribute()
    {
        if (!PrivateCluster.TimescaleIsInstalled)
        {
            Skip = "TimescaleDB is not installed for this PostgreSQL server (timescaledb.so is missing), so the TimescaleDB path was not " +
                "tested; the plain-PostgreSQL path was. Install TimescaleDB for PostgreSQL 15 to test it.";
        }
    }
}
