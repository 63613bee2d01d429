namespace AirQuality.Tests.Support;

/// <summary>A clock stopped at one instant; timers still run in real time.</summary>
public sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
