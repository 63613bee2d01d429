using AirQuality.Development;
using Xunit;

namespace AirQuality.Tests.Support;

/// <summary>
/// A fact about what <c>Database:Timescale=auto</c> does where TimescaleDB is absent; skipped, saying so, where it
/// is installed, since the test cluster then preloads it and <c>auto</c> uses it (<see cref="TimescaleFactAttribute"/>'s tests).
/// </summary>
public sealed class WithoutTimescaleFactAttribute : FactAttribute
{
    public WithoutTimescaleFactAttribute()
    {
        if (PrivateCluster.TimescaleIsInstalled)
        {
            Skip = "TimescaleDB is installed, so Database:Timescale=auto used it and its fallback to plain PostgreSQL was not tested.";
        }
    }
}
