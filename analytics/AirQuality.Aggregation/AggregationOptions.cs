namespace AirQuality.Aggregation;

/// <summary>How the aggregation stage divides time and work. Section <c>Aggregation</c>.</summary>
public sealed class AggregationOptions
{
    /// <summary>IANA id of the city's time zone, in which days begin at midnight. Default Asia/Shanghai (China Standard Time, UTC+8).</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>Local days recomputed in one transaction; a backlog of more is done in several. Default 31.</summary>
    public int DaysPerTransaction { get; set; } = 31;

    /// <summary>The time zone, resolved.</summary>
    public TimeZoneInfo Zone => TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out var zone)
        ? zone
        : throw new ArgumentOutOfRangeException(nameof(TimeZone), TimeZone, $"Aggregation:TimeZone '{TimeZone}' is not a time zone this machine knows; use an IANA id such as Asia/Shanghai.");

    /// <summary>Throws when a setting is out of range, with a sentence saying what is allowed.</summary>
    public AggregationOptions Validate()
    {
        _ = Zone;
        if (DaysPerTransaction is < 1 or > 366)
        {
            throw new ArgumentOutOfRangeException(nameof(DaysPerTransaction), DaysPerTransaction, "Aggregation:DaysPerTransaction must be between 1 and 366.");
        }

        return this;
    }
}
