namespace AirQuality.Reports;

/// <summary>When the daily reports are due: at <see cref="ReportOptions.SendAt"/> local time, for the previous local day.</summary>
public static class ReportSchedule
{
    /// <summary>The day whose reports are due at <paramref name="now"/>: yesterday once today's send time has passed, else the day before.</summary>
    public static DateOnly LatestDueDay(DateTimeOffset now, TimeOnly sendAt, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var today = DateOnly.FromDateTime(local.DateTime);
        return TimeOnly.FromDateTime(local.DateTime) >= sendAt ? today.AddDays(-1) : today.AddDays(-2);
    }

    /// <summary>The first send time strictly after <paramref name="now"/>.</summary>
    public static DateTimeOffset NextSendTime(DateTimeOffset now, TimeOnly sendAt, TimeZoneInfo zone)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        for (var day = today; ; day = day.AddDays(1))
        {
            var local = day.ToDateTime(sendAt, DateTimeKind.Unspecified);
            // A send time skipped by a daylight-saving change moves to the first valid minute after it.
            while (zone.IsInvalidTime(local))
            {
                local = local.AddMinutes(1);
            }

            var at = new DateTimeOffset(local, zone.GetUtcOffset(local));
            if (at > now)
            {
                return at;
            }
        }
    }
}
