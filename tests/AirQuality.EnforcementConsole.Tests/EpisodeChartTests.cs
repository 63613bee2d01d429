using System.Net;
using System.Text.RegularExpressions;
using AirQuality.Tests.Support;
using Dapper;
using Npgsql;
using Xunit;

namespace AirQuality.EnforcementConsole.Tests;

/// <summary>
/// The today page's episodes: outlined on the map around their sensors, sources coloured by category, and an hourly
/// chart per episode of its sensors against their usual level with the flagged sources' telemetry.
/// </summary>
public sealed partial class EpisodeChartTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task An_episode_has_its_sensors_hours_their_median_at_each_hour_over_the_days_before_and_the_flagged_sources_telemetry()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var rows = await ConsoleCity.CreateAsync(db);
        var (episode, sensors) = await ConsoleCity.AddEpisodeHistoryAsync(db, rows);

        // Read as the console reads: through its own role, so the grants are part of the test.
        var options = new ConsoleOptions();
        await using var console = new ConsoleDatabase(postgres.ConnectionString(db), options);
        var view = (await new TodayQueries(console.DataSource, options).LoadAsync("team-yuzhong", CancellationToken.None))!;

        Assert.Equal(2, view.Episodes.Count); // Yuzhong's two; not Jiangbei's
        var e = view.Episodes.Single(x => x.AnomalyId == episode);
        Assert.Equal(sensors, e.Sensors.Select(s => s.Id));
        Assert.Equal([rows.YuzhongSource1], e.FlaggedSourceIds);
        for (var h = 0; h < 24; h++)
        {
            // The day: 40 + h, but 150 from 08:00 to 11:00 local; sensor i adds i. Hour 5 of the second sensor is missing (invalid).
            for (var i = 0; i < sensors.Length; i++)
            {
                double? expected = i == 1 && h == 5 ? null : (h is >= 8 and < 11 ? 150 : 40 + h) + i;
                Assert.Equal(expected, e.Sensors[i].Values[h]);
            }

            // Days before: 20 + d + h + i for d = 1..14, so each sensor's median is 27.5 + h + i; their mean 28.5 + h.
            Assert.Equal(28.5 + h, e.Usual[h]!.Value, 9);
        }

        var telemetry = Assert.Single(e.Telemetry);
        Assert.Equal(rows.YuzhongSource1, telemetry.Id);
        Assert.Equal(Enumerable.Range(0, 24).Select(h => h is >= 8 and < 11 ? 90.0 : (double?)10.0), telemetry.Values);
    }

    [Fact]
    public async Task The_map_outlines_each_episode_around_its_sensors_colours_sources_by_category_and_the_page_charts_each_episode()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var rows = await ConsoleCity.CreateAsync(db);
        var (episode, sensors) = await ConsoleCity.AddEpisodeHistoryAsync(db, rows);
        await using var running = await RunningConsole.StartAsync(postgres, db);
        using var client = running.NewClient();
        await client.SignInAsync("yu.member", ConsoleCity.Password);
        var response = await client.GetAsync("/teams/team-yuzhong/today");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();

        var outlines = EpisodeOutline().Matches(html).ToDictionary(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), m => m.Groups[2].Value);
        Assert.Equal(2, outlines.Count);
        Assert.Equal(string.Join(' ', sensors), outlines[episode]);

        // Sources by category: the boilers in theirs, a construction site in its own, the flagged ones ringed in red.
        await using var connection = await db.OpenConnectionAsync();
        var categories = (await connection.QueryAsync<(string Id, string Category)>("SELECT source_id, category FROM pollution_sources WHERE district_id = 'yuzhong'")).ToDictionary(r => r.Id, r => r.Category);
        var marks = SourceMark().Matches(html).ToList();
        Assert.Equal(categories.Count - 2, marks.Count);
        Assert.All(marks, m => Assert.Equal(DistrictMap.SourceColourOf(m.Groups[1].Value), m.Groups[2].Value));
        Assert.True(marks.Select(m => m.Groups[2].Value).Distinct().Count() > 1, "every source has the same colour");
        var flagged = FlaggedMark().Matches(html).ToList();
        Assert.Equal([rows.YuzhongSource1, rows.YuzhongSource2], flagged.Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal));
        Assert.All(flagged, m => Assert.Equal((DistrictMap.SourceColourOf(categories[m.Groups[1].Value]), DistrictMap.FlaggedColour), (m.Groups[2].Value, m.Groups[3].Value)));
        Assert.Contains("sw-src-industrial_boiler", html, StringComparison.Ordinal);

        // A chart per episode; this one with its three sensors (24 hours, one missing), the usual level and P001's telemetry.
        Assert.Equal(2, Regex.Count(html, "<svg [^>]*class=\"chart\""));
        var chart = html[html.IndexOf($"data-anomaly=\"{episode}\"><title id=\"chart-", StringComparison.Ordinal)..];
        chart = chart[..chart.IndexOf("</svg>", StringComparison.Ordinal)];
        Assert.Equal([$"{sensors[0]}:24", $"{sensors[1]}:23", $"{sensors[2]}:24"], Series().Matches(chart).Where(m => m.Groups[1].Value == "sensor").Select(m => $"{m.Groups[2].Value}:{m.Groups[3].Value}"));
        Assert.Contains("<g class=\"usual\" data-id=\"usual level\" data-hours=\"24\">", chart, StringComparison.Ordinal);
        Assert.Contains($"<g class=\"telemetry\" data-id=\"{rows.YuzhongSource1}\" data-hours=\"24\">", chart, StringComparison.Ordinal);
        Assert.Contains("class=\"episode-hours\"", chart, StringComparison.Ordinal);
    }

    [GeneratedRegex("<g class=\"episode\" data-anomaly=\"(\\d+)\" data-sensors=\"([^\"]*)\"")]
    private static partial Regex EpisodeOutline();

    [GeneratedRegex("<rect class=\"source\" data-category=\"([a-z_]+)\"[^>]* fill=\"(#[0-9a-f]{6})\"")]
    private static partial Regex SourceMark();

    [GeneratedRegex("<g class=\"flagged\" data-source=\"([^\"]+)\"[^>]*><rect [^>]* fill=\"(#[0-9a-f]{6})\" stroke=\"(#[0-9a-f]{6})\"")]
    private static partial Regex FlaggedMark();

    [GeneratedRegex("<g class=\"(sensor|usual|telemetry)\" data-id=\"([^\"]+)\" data-hours=\"(\\d+)\">")]
    private static partial Regex Series();
}
