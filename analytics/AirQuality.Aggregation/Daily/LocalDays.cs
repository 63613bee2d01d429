namespace AirQuality.Aggregation.Daily;

/// <summary>
/// A run of consecutive local days in the city's time zone and the UTC hours that make them up: day d is hours
/// <see cref="DayStart"/>[d] to <see cref="DayStart"/>[d + 1] (24 of them, or 23 or 25 across a daylight-saving change).
/// </summary>
/// <remarks>
/// Hours are whole UTC hours, so the time zone's offset from UTC must be a whole number of hours at every local
/// midnight; Asia/Shanghai (UTC+8) is. A zone with a half-hour offset is refused rather than misassigned.
/// </remarks>
public sealed class LocalDays
{
    public LocalDays(DateOnly first, DateOnly last, TimeZoneInfo timeZone)
    {
        if (last < first)
        {
            throw new ArgumentOutOfRangeException(nameof(last), last, $"The last day must not be before the first ({first:yyyy-MM-dd}).");
        }

        First = first;
        Count = last.DayNumber - first.DayNumber + 1;
        TimeZone = timeZone;
        var starts = new long[Count + 1];
        for (var d = 0; d <= Count; d++)
        {
            starts[d] = StartHour(first.AddDays(d), timeZone);
        }

        FirstHour = starts[0];
        DayStart = [.. starts.Select(s => checked((int)(s - FirstHour)))];
    }

    public DateOnly First { get; }

    public int Count { get; }

    public TimeZoneInfo TimeZone { get; }

    /// <summary>The first day's first hour, in hours since 1970-01-01 UTC.</summary>
    public long FirstHour { get; }

    /// <summary>Hours spanned by all the days.</summary>
    public int Hours => DayStart[^1];

    /// <summary>Per day (and one past the last), its first hour relative to <see cref="FirstHour"/>.</summary>
    public int[] DayStart { get; }

    public DateOnly Day(int d) => First.AddDays(d);

    /// <summary>The local day that the UTC hour starting at <paramref name="hour"/> (hours since 1970) falls in.</summary>
    public static DateOnly DayOfHour(long hour, TimeZoneInfo timeZone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UnixEpoch.AddHours(hour), timeZone));

    /// <summary>Local midnight at the start of <paramref name="day"/> in <paramref name="timeZone"/>, as an instant (offset zero).</summary>
    public static DateTimeOffset StartOf(DateOnly day, TimeZoneInfo timeZone) =>
        new(TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), timeZone), TimeSpan.Zero);

    static long StartHour(DateOnly day, TimeZoneInfo timeZone)
    {
        var utc = StartOf(day, timeZone).UtcDateTime;
        if (utc.Minute != 0 || utc.Second != 0)
        {
            throw new NotSupportedException(
                $"Time zone {timeZone.Id} is not a whole number of hours from UTC at the start of {day:yyyy-MM-dd}; hourly aggregates are UTC hours, so such a zone cannot be split into local days.");
        }

        return (utc.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerHour;
    }
}
