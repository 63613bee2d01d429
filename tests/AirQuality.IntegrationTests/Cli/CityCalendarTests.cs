using AirQuality.Aggregation;
using AirQuality.Cli;
using AirQuality.Reports;
using AirQuality.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AirQuality.IntegrationTests.Cli;

/// <summary>The one <c>TimeZone</c> setting: the commands' "yesterday", the aggregation's local days and the reports' due day agree.</summary>
public sealed class CityCalendarTests
{
    // 20:00 UTC on 30 June: already 1 July in Shanghai (04:00), still 30 June in Los Angeles (13:00, UTC-7 in summer).
    static readonly DateTimeOffset Now = new(2026, 6, 30, 20, 0, 0, TimeSpan.Zero);

    static AirqConfiguration Configuration(params (string Key, string Value)[] settings) =>
        AirqConfiguration.From(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build());

    [Theory]
    [InlineData(null, "2026-06-30")]
    [InlineData("America/Los_Angeles", "2026-06-29")]
    public async Task A_non_default_zone_moves_yesterday_for_the_commands_the_aggregation_and_the_reports_alike(string? zone, string expected)
    {
        var configuration = zone is null ? Configuration() : Configuration(("TimeZone", zone));
        // The stages' options as a command's host binds them; no database is needed for that.
        using var host = await AirqHost.BuildAsync(configuration, new Dictionary<string, string?>(), HostNeeds.Nothing, CancellationToken.None);
        var aggregation = host.Services.GetRequiredService<AggregationOptions>();
        var reports = host.Services.GetRequiredService<ReportOptions>();
        var yesterday = new CityCalendar(configuration.Zone, new FixedTime(Now)).Yesterday;

        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), yesterday);
        Assert.Equal(zone ?? "Asia/Shanghai", aggregation.TimeZone);
        Assert.Equal(zone ?? "Asia/Shanghai", reports.TimeZone);
        Assert.Equal(yesterday, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Now, aggregation.Zone).Date).AddDays(-1));
        Assert.Equal(yesterday, ReportSchedule.LatestDueDay(Now, TimeOnly.MinValue, reports.Zone));
    }

    [Fact]
    public void A_day_starts_at_local_midnight_in_the_configured_zone()
    {
        var calendar = new CityCalendar(Configuration(("TimeZone", "America/Los_Angeles")).Zone, new FixedTime(Now));
        Assert.Equal(new DateTimeOffset(2026, 6, 29, 7, 0, 0, TimeSpan.Zero), calendar.StartOfLocalDay(new DateOnly(2026, 6, 29)));
    }

    [Theory]
    [InlineData("Aggregation:TimeZone", "Asia/Shanghai", "Aggregation:TimeZone (Asia/Shanghai) is no longer a setting of its own: set the city's one time zone with TimeZone (AIRQ_TimeZone)")]
    [InlineData("Reports:TimeZone", "Europe/Berlin", "Reports:TimeZone (Europe/Berlin) is no longer a setting of its own")]
    public void A_stage_time_zone_of_its_own_is_refused_with_the_setting_to_use(string key, string value, string message)
    {
        var error = Assert.Throws<UsageException>(() => Configuration((key, value)));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Mars/Olympus", "TimeZone 'Mars/Olympus' is not a time zone this machine knows")]
    [InlineData("Asia/Kolkata", "TimeZone 'Asia/Kolkata' is 05:30 from UTC, not a whole number of hours")]
    public void A_time_zone_that_cannot_divide_the_hourly_sums_into_days_is_refused(string zone, string message)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Configuration(("TimeZone", zone)));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }
}
