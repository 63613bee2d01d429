using AirQuality.Reports;
using Xunit;

namespace AirQuality.Reports.Tests;

public sealed class ReportScheduleTests
{
    static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    static readonly TimeOnly SendAt = new(7, 30);

    static DateTimeOffset Local(int day, int hour, int minute) => new(2026, 12, day, hour, minute, 0, TimeSpan.FromHours(8));

    [Fact]
    public void Before_the_send_time_the_day_before_yesterday_is_the_latest_due_and_after_it_yesterday()
    {
        Assert.Equal(new DateOnly(2026, 11, 30), ReportSchedule.LatestDueDay(Local(2, 7, 29), SendAt, Shanghai));
        Assert.Equal(new DateOnly(2026, 12, 1), ReportSchedule.LatestDueDay(Local(2, 7, 30), SendAt, Shanghai));
        // 23:30 UTC on 1 December is 07:30 on 2 December in Shanghai.
        Assert.Equal(new DateOnly(2026, 12, 1), ReportSchedule.LatestDueDay(new DateTimeOffset(2026, 12, 1, 23, 30, 0, TimeSpan.Zero), SendAt, Shanghai));
    }

    [Fact]
    public void The_next_send_time_is_today_at_the_send_time_or_else_tomorrow()
    {
        Assert.Equal(Local(2, 7, 30), ReportSchedule.NextSendTime(Local(2, 0, 5), SendAt, Shanghai));
        Assert.Equal(Local(3, 7, 30), ReportSchedule.NextSendTime(Local(2, 7, 30), SendAt, Shanghai));
        Assert.Equal(Local(3, 7, 30), ReportSchedule.NextSendTime(Local(2, 21, 0), SendAt, Shanghai));
    }

    [Fact]
    public void A_send_time_skipped_by_daylight_saving_moves_to_the_first_valid_minute()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        // 2026-03-29 02:00 to 03:00 does not exist in Berlin.
        var next = ReportSchedule.NextSendTime(new DateTimeOffset(2026, 3, 29, 0, 0, 0, TimeSpan.Zero), new TimeOnly(2, 30), berlin);
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 3, 0, 0, TimeSpan.FromHours(2)), next);
    }
}
