using System.Globalization;
using System.Net;
using AirQuality.Reports;
using AirQuality.Tests.Support;
using Dapper;
using Npgsql;
using Xunit;

namespace AirQuality.Reports.Tests;

/// <summary>The weekly permit-review section and the view <c>persistent_contributors</c> behind it.</summary>
public sealed partial class ReportRendererTests
{
    /// <summary>A Sunday: its report, sent on Monday, ends the ISO week 2026-06-22 to 2026-06-28.</summary>
    static readonly DateOnly Sunday = new(2026, 6, 28);

    sealed record Dominated(long AnomalyId, DateOnly Day, string SourceId, float Share, int Hours);

    /// <summary>Random dominated episodes from 2025-12-22 to 2026-06-28 (across a year's end, where the ISO year differs from the calendar's), by P1 and P2 (Shapingba) and P3 (Yubei).</summary>
    static async Task<List<Dominated>> DominatedEpisodesAsync(NpgsqlDataSource db)
    {
        var random = new Random(20260628);
        var first = new DateOnly(2025, 12, 22);
        var rows = new List<Dominated>();
        await using var connection = await db.OpenConnectionAsync();
        for (var i = 0; i < 400; i++)
        {
            var day = first.AddDays(random.Next(Sunday.DayNumber - first.DayNumber + 1));
            var (source, hours, share) = (new[] { "P1", "P2", "P3" }[random.Next(3)], 1 + random.Next(8), (float)(0.5 + 0.5 * random.NextDouble()));
            var start = new DateTimeOffset(day.ToDateTime(new TimeOnly(random.Next(16), 0)), TimeSpan.FromHours(8));
            var id = await connection.ExecuteScalarAsync<long>("""
                INSERT INTO anomalies (day, category, kinds, severity, sensor_ids, district_ids, township_ids, started_at, ended_at, detail)
                VALUES (@day, 'pollution', '{exceedance_hourly}', 1, '{S1}', '{D1}', '{T1}', @start, @end, 'dominated')
                RETURNING anomaly_id
                """, new { day, start = start.UtcDateTime, end = start.AddHours(hours).UtcDateTime });
            await connection.ExecuteAsync("""
                INSERT INTO episode_contributors (anomaly_id, day, source_id, plume_share, plume_ugm3, episode_hours)
                VALUES (@id, @day, @source, @share, 120, @hours)
                """, new { id, day, source, share, hours });
            rows.Add(new Dominated(id, day, source, share, hours));
        }

        return rows;
    }

    /// <summary>The Monday of <paramref name="day"/>'s ISO week, by .NET's ISO calendar (not by the SQL's date_trunc).</summary>
    static DateOnly IsoWeekStart(DateOnly day)
    {
        var at = day.ToDateTime(TimeOnly.MinValue);
        return DateOnly.FromDateTime(ISOWeek.ToDateTime(ISOWeek.GetYear(at), ISOWeek.GetWeekOfYear(at), DayOfWeek.Monday));
    }

    [Fact]
    public async Task Persistent_contributors_add_up_each_sources_dominated_episodes_and_hours_per_iso_week_beside_the_week_before()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ReportCity.CreateAsync(db);
        var dominated = await DominatedEpisodesAsync(db);
        var districts = new Dictionary<string, string> { ["P1"] = "D1", ["P2"] = "D1", ["P3"] = "D2" };

        await using var connection = await db.OpenConnectionAsync();
        var view = (await connection.QueryAsync<(DateTime WeekStart, string IsoWeek, string SourceId, string DistrictId, int Episodes, int EpisodeHours, float MeanShare, int PreviousEpisodes, int PreviousEpisodeHours)>(
            "SELECT week_start, iso_week, source_id, district_id, episodes, episode_hours, mean_plume_share, previous_episodes, previous_episode_hours FROM persistent_contributors"))
            .ToDictionary(r => (DateOnly.FromDateTime(r.WeekStart), r.SourceId));

        var weekly = dominated.GroupBy(d => (Week: IsoWeekStart(d.Day), d.SourceId))
            .ToDictionary(g => g.Key, g => (Episodes: g.Count(), Hours: g.Sum(d => d.Hours), Share: g.Average(d => (double)d.Share)));
        Assert.Equal(weekly.Keys.OrderBy(k => k), view.Keys.OrderBy(k => k));
        foreach (var ((week, source), expected) in weekly)
        {
            var row = view[(week, source)];
            var before = weekly.GetValueOrDefault((week.AddDays(-7), source));
            var at = week.ToDateTime(TimeOnly.MinValue);
            Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(at)}-W{ISOWeek.GetWeekOfYear(at):00}"), row.IsoWeek);
            Assert.Equal((districts[source], expected.Episodes, expected.Hours, before.Episodes, before.Hours),
                (row.DistrictId, row.Episodes, row.EpisodeHours, row.PreviousEpisodes, row.PreviousEpisodeHours));
            Assert.Equal(expected.Share, row.MeanShare, 4);
        }

        Assert.Contains(view.Keys, k => k.Item1 == new DateOnly(2025, 12, 29)); // ISO 2026-W01 starts in 2025
        Assert.Equal("2026-W01", view.First(r => r.Key.Item1 == new DateOnly(2025, 12, 29)).Value.IsoWeek);
    }

    [Fact]
    public async Task Sundays_report_sent_on_monday_lists_the_teams_persistent_contributors_of_the_week_with_the_trend()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ReportCity.CreateAsync(db);
        var dominated = await DominatedEpisodesAsync(db);

        var (report, rendered) = await RenderAsync(db, day: Sunday);
        var (tuesday, tuesdayMail) = await RenderAsync(db, day: Sunday.AddDays(2));

        var weekly = Assert.IsType<WeeklyContributors>(report.Contributors);
        Assert.Equal((new DateOnly(2026, 6, 22), Sunday), (weekly.WeekStart, weekly.WeekEnd));
        // The team's sources by their own district: P1 and P2 (Shapingba), never P3 (Yubei).
        var expected = dominated.Where(d => d.SourceId != "P3" && d.Day >= weekly.WeekStart && d.Day <= Sunday).GroupBy(d => d.SourceId)
            .Select(g => (SourceId: g.Key, Episodes: g.Count(), Hours: g.Sum(d => d.Hours),
                Before: dominated.Where(d => d.SourceId == g.Key && d.Day >= weekly.WeekStart.AddDays(-7) && d.Day < weekly.WeekStart).Sum(d => d.Hours)))
            .OrderByDescending(x => x.Hours).ThenByDescending(x => x.Episodes).ToList();
        Assert.Equal(2, expected.Count);
        Assert.Equal(expected.Select(x => (x.SourceId, x.Episodes, x.Hours, x.Before)),
            weekly.Sources.Select(s => (s.SourceId, s.Episodes, s.EpisodeHours, s.PreviousEpisodeHours)));

        const string title = "Persistent contributors this week (permit review)";
        Assert.Contains(title, rendered.Text, StringComparison.Ordinal);
        Assert.Contains(title, rendered.Html, StringComparison.Ordinal);
        var p1 = weekly.Sources.Single(s => s.SourceId == "P1");
        var line = $"dominated {p1.Episodes} episodes, {p1.EpisodeHours} h (week before: {p1.PreviousEpisodes} episode";
        Assert.Contains(line, rendered.Text, StringComparison.Ordinal);
        Assert.Contains("D" + line[1..], WebUtility.HtmlDecode(rendered.Html), StringComparison.Ordinal);
        Assert.DoesNotContain("Yubei Huixing cement grinding station", rendered.Text, StringComparison.Ordinal);
        // Separate from the inspections: the section comes after "Sources to inspect" and before "Data health".
        var text = rendered.Text;
        Assert.True(text.IndexOf("Sources to inspect", StringComparison.Ordinal) < text.IndexOf(title, StringComparison.Ordinal)
            && text.IndexOf(title, StringComparison.Ordinal) < text.IndexOf("Data health", StringComparison.Ordinal), text);

        Assert.Null(tuesday.Contributors);
        Assert.DoesNotContain(title, tuesdayMail.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(title, tuesdayMail.Html, StringComparison.Ordinal);
    }
}
