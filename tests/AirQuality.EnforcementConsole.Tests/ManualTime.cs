namespace AirQuality.EnforcementConsole.Tests;

/// <summary>A clock the test moves by hand (lockouts end when it says so).</summary>
public sealed class ManualTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
