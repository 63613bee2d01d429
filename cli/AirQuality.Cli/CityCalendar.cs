namespace AirQuality.Cli;

/// <summary>
/// The city's local days, in the one time-zone setting (<c>TimeZone</c>) that aggregation, anomalies, attribution,
/// reports and the commands' default dates all read, so that "yesterday" is the same day everywhere.
/// </summary>
/// <remarks>A day runs from local midnight to the next local midnight, end exclusive.</remarks>
sealed class CityCalendar(TimeZoneInfo zone, TimeProvider time)
{
    public TimeZoneInfo Zone { get; } = zone;

    /// <summary>The local calendar day before today.</summary>
    public DateOnly Yesterday => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), Zone).Date).AddDays(-1);

    /// <summary>Local midnight at the start of <paramref name="day"/>, with the zone's offset at that instant.</summary>
    public DateTimeOffset StartOfLocalDay(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }
}
