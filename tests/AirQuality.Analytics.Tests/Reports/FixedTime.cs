namespace AirQuality.Analytics.Tests.Reports;

/// <summary>A clock stopped at one instant; timers still run in real time.</summary>
sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
