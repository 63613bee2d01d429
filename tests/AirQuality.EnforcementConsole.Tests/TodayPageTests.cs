using System.Net;
using System.Text.RegularExpressions;
using AirQuality.Tests.Support;
using Xunit;

namespace AirQuality.EnforcementConsole.Tests;

/// <summary>The today page: the team's sources to inspect, grouped per source, and its map; nothing of another team's.</summary>
public sealed partial class TodayPageTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task The_today_page_lists_the_teams_flagged_sources_once_each_and_not_another_teams()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var rows = await ConsoleCity.CreateAsync(db);
        await using var console = await RunningConsole.StartAsync(postgres, db);
        using var client = console.NewClient();
        await client.SignInAsync("yu.member", ConsoleCity.Password);
        var response = await client.GetAsync("/teams/team-yuzhong/today");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Contains("Sources to inspect on 2026-11-30", html, StringComparison.Ordinal);
        // One section per source; the source flagged for two episodes shows both, the more probable first.
        Assert.Equal([rows.YuzhongSource1, rows.YuzhongSource2], SourceSection().Matches(html).Select(m => m.Groups[1].Value));
        Assert.True(html.IndexOf("probability 81", StringComparison.Ordinal) < html.IndexOf("probability 64", StringComparison.Ordinal));
        Assert.Contains("particulate at 3.4x its permitted limit", html, StringComparison.Ordinal);
        Assert.DoesNotContain($"id=\"source-{rows.YuzhongAlsoNear}\"", html, StringComparison.Ordinal); // below the threshold
        Assert.DoesNotContain(rows.JiangbeiSource, html, StringComparison.Ordinal);
        Assert.DoesNotContain("jiangbei-only explanation", html, StringComparison.Ordinal);

        // The map: every Yuzhong sensor coloured by its day, the two flagged sources marked, no Jiangbei sensor.
        var sensors = SensorFill().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(sensors);
        Assert.Contains(DistrictMap.Colour("good"), sensors);
        Assert.Contains(DistrictMap.Colour("heavily_polluted"), sensors);
        Assert.Equal([rows.YuzhongSource1, rows.YuzhongSource2], FlaggedSource().Matches(html).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("Jiangbei national station", html, StringComparison.Ordinal);
    }

    [GeneratedRegex("<section class=\"source\" id=\"source-([^\"]+)\"")]
    private static partial Regex SourceSection();

    [GeneratedRegex("<circle class=\"sensor\"[^>]* fill=\"(#[0-9a-f]{6})\"")]
    private static partial Regex SensorFill();

    [GeneratedRegex("<g class=\"flagged\" data-source=\"([^\"]+)\"")]
    private static partial Regex FlaggedSource();
}
