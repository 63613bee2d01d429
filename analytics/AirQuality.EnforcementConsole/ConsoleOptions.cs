using AirQuality.Aggregation;

namespace AirQuality.EnforcementConsole;

/// <summary>Settings of <c>airq console</c> (configuration section <c>Console</c>).</summary>
public sealed record ConsoleOptions
{
    /// <summary>Consecutive failed sign-ins after which an account is locked. Default 5.</summary>
    public int LockoutFailures { get; init; } = 5;

    /// <summary>How long a locked account refuses every sign-in, right password included. Default 15 minutes.</summary>
    public TimeSpan LockoutFor { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a sign-in lasts without activity (sliding). Default 8 hours, a working day.</summary>
    public TimeSpan SessionFor { get; init; } = TimeSpan.FromHours(8);

    /// <summary>The database role every console connection takes (<c>SET ROLE</c> at connect). Default <c>airq_console</c>.</summary>
    public string DatabaseRole { get; init; } = "airq_console";

    /// <summary>
    /// Where the keys that sign the session and anti-forgery cookies are kept (created, owner-only). Default null: in
    /// memory only, so every sign-in ends when the process stops. <c>airq console</c> uses <c>.airq/console-keys</c>.
    /// </summary>
    public string? KeysDirectory { get; init; }

    /// <summary>
    /// How long a dispatched flag may wait for its acknowledgement; after that it is overdue and listed for the district
    /// lead and the city. Default 4 hours.
    /// </summary>
    public TimeSpan AcknowledgeWithin { get; init; } = TimeSpan.FromHours(4);

    /// <summary>The largest photo a finding may carry, in bytes (JPEG or PNG). Default 5 MB (5,242,880 bytes).</summary>
    public int PhotoMaxBytes { get; init; } = 5 * 1024 * 1024;

    /// <summary>
    /// The local time zone of the pipeline's days (IANA id), as <c>Aggregation:TimeZone</c>: an episode's chart runs over
    /// the day's local hours. Default <c>Asia/Shanghai</c>.
    /// </summary>
    public string TimeZone { get; init; } = "Asia/Shanghai";

    /// <summary>
    /// How many days before the day a sensor's usual level is taken from (the median of its valid hourly means at the same
    /// local hour over these days). Default 14, the detector's <c>Anomalies:BaselineDays</c>.
    /// </summary>
    public int UsualDays { get; init; } = UsualHourlyLevels.DefaultDays;

    /// <summary>The time zone named by <see cref="TimeZone"/>.</summary>
    public TimeZoneInfo Zone => TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out var zone)
        ? zone
        : throw new ArgumentOutOfRangeException(nameof(TimeZone), TimeZone, $"Console:TimeZone '{TimeZone}' is not a time zone this machine knows; use an IANA id such as Asia/Shanghai.");

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> with a sentence when a setting is out of range.</summary>
    public ConsoleOptions Validate()
    {
        if (LockoutFailures is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(LockoutFailures), LockoutFailures, $"Console:LockoutFailures must be between 1 and 100, not {LockoutFailures}.");
        }

        if (LockoutFor <= TimeSpan.Zero || LockoutFor > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(LockoutFor), LockoutFor, $"Console:LockoutFor must be more than 0 and at most 1.00:00:00, not {LockoutFor}.");
        }

        if (SessionFor < TimeSpan.FromMinutes(1) || SessionFor > TimeSpan.FromDays(7))
        {
            throw new ArgumentOutOfRangeException(nameof(SessionFor), SessionFor, $"Console:SessionFor must be between 00:01:00 and 7.00:00:00, not {SessionFor}.");
        }

        if (AcknowledgeWithin < TimeSpan.FromMinutes(1) || AcknowledgeWithin > TimeSpan.FromDays(7))
        {
            throw new ArgumentOutOfRangeException(nameof(AcknowledgeWithin), AcknowledgeWithin, $"Console:AcknowledgeWithin must be between 00:01:00 and 7.00:00:00, not {AcknowledgeWithin}.");
        }

        if (PhotoMaxBytes is < 1024 or > 50 * 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(PhotoMaxBytes), PhotoMaxBytes, $"Console:PhotoMaxBytes must be between 1024 and 52428800 (50 MB), not {PhotoMaxBytes}.");
        }

        if (UsualDays is < 1 or > 90)
        {
            throw new ArgumentOutOfRangeException(nameof(UsualDays), UsualDays, $"Console:UsualDays must be between 1 and 90, not {UsualDays}.");
        }

        _ = Zone;
        return this;
    }
}
