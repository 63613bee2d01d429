using System.Net;
using System.Text;
using AirQuality.Reports;
using AirQuality.Tests.Support;
using Dapper;
using Xunit;

namespace AirQuality.Reports.Tests;

/// <summary>The "Sources to inspect" section: each source once, the inspection threshold, and which team's list a source is on.</summary>
public sealed partial class ReportRendererTests
{
    [Fact]
    public async Task A_source_flagged_in_three_episodes_is_listed_once_with_its_highest_probability_and_the_three_episode_numbers()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var rows = await ReportCity.CreateAsync(db);

        var (report, rendered) = await RenderAsync(db);

        var p1 = Assert.Single(report.Attribution.ToInspect);
        Assert.Equal(("P1", 0.72), (p1.SourceId, Math.Round(p1.Probability, 2)));
        Assert.Equal([1, 3, 4], p1.Flags.Select(f => f.AnomalyRank));
        Assert.Equal([rows.PlumeId, rows.EveningId, rows.NightId], p1.Flags.Select(f => f.AnomalyId));
        Assert.StartsWith("1.2 km upwind, wind 3 m/s", p1.Explanation, StringComparison.Ordinal); // the 72% flag's, not the others'

        const string name = "Chongqing Special Steel No. 2 sinter plant";
        Assert.Contains("Episodes: #1 10:00–13:00 (3 h) (72%); #3 18:00–20:00 (2 h) (64%); #4 21:00–23:00 (2 h) (46%)", rendered.Text, StringComparison.Ordinal);
        foreach (var text in new[] { rendered.Text, WebUtility.HtmlDecode(rendered.Html) })
        {
            Assert.Equal(1, Occurrences(text, name));
            Assert.Contains("#1 10:00–13:00 (3 h) (72%)", text, StringComparison.Ordinal);
            Assert.Contains("#3 18:00–20:00 (2 h) (64%)", text, StringComparison.Ordinal);
            Assert.Contains("#4 21:00–23:00 (2 h) (46%)", text, StringComparison.Ordinal);
            Assert.Contains("steel · probability 72%", text, StringComparison.Ordinal);
            Assert.DoesNotContain("probability 64%", text, StringComparison.Ordinal);
            // Each flag's id, so each episode's inspection can be recorded by quoting it.
            Assert.Contains($"#1: flag {p1.Flags[0].FlagId}; #3: flag {p1.Flags[1].FlagId}; #4: flag {p1.Flags[2].FlagId}.", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_source_below_the_inspection_threshold_appears_only_under_also_near()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var rows = await ReportCity.CreateAsync(db);

        var (report, rendered) = await RenderAsync(db);

        Assert.DoesNotContain(report.Attribution.ToInspect, s => s.SourceId == "P2");
        var p2 = Assert.Single(report.Attribution.AlsoNear);
        Assert.Equal(("P2", false, 0.18), (p2.SourceId, p2.ToInspect, Math.Round(p2.Probability, 2)));
        Assert.Equal([1, 3], p2.Flags.Select(f => f.AnomalyRank));

        const string name = "Line 27 Tianxingqiao station construction site";
        const string line = "Line 27 Tianxingqiao station construction site · construction · 18% · #1 10:00–13:00 (3 h); #3 18:00–20:00 (2 h)";
        var text = rendered.Text;
        Assert.Equal(1, Occurrences(text, name));
        var alsoNear = text.IndexOf("Also near (below the inspection threshold): 1 source", StringComparison.Ordinal);
        Assert.True(alsoNear > text.IndexOf("Sources to inspect", StringComparison.Ordinal), text);
        Assert.True(text.IndexOf(name, StringComparison.Ordinal) > alsoNear, "P2 is listed before the 'also near' heading.");
        Assert.Contains(line, text, StringComparison.Ordinal);
        Assert.DoesNotContain($"--flag {rows.SecondFlagId} ", text, StringComparison.Ordinal);

        // In HTML: collapsed in a <details> element, after its summary.
        var html = rendered.Html;
        var details = html.IndexOf("<details", StringComparison.Ordinal);
        Assert.True(details > 0, "no <details> element");
        var summary = html.IndexOf("Also near (below the inspection threshold): 1 source</summary>", StringComparison.Ordinal);
        var end = html.IndexOf("</details>", StringComparison.Ordinal);
        var at = html.IndexOf(WebUtility.HtmlEncode("Line 27 Tianxingqiao station construction site · construction · 18%"), StringComparison.Ordinal);
        Assert.True(details < summary && summary < at && at < end, "P2 is not inside the collapsed 'also near' list.");
        Assert.Equal(1, Occurrences(WebUtility.HtmlDecode(html), name));
    }

    [Fact]
    public async Task A_source_is_on_the_list_of_its_own_districts_team_even_when_its_plume_reached_another_teams_sensors()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var rows = await ReportCity.CreateAsync(db);
        const string p3 = "Yubei Huixing cement grinding station";

        var (shapingba, shapingbaMail) = await RenderAsync(db, "team-d1");
        var (yubei, yubeiMail) = await RenderAsync(db, "team-d2");

        // P3 (in Yubei) was flagged for Shapingba's episode #1 at 41%, above the threshold.
        Assert.DoesNotContain(shapingba.Attribution.Flags, f => f.SourceId == "P3");
        Assert.DoesNotContain(p3, shapingbaMail.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(p3, shapingbaMail.Html, StringComparison.Ordinal);
        var source = Assert.Single(yubei.Attribution.ToInspect);
        Assert.Equal("P3", source.SourceId);
        var flag = Assert.Single(source.Flags);
        Assert.Equal((rows.PlumeId, 0), (flag.AnomalyId, flag.AnomalyRank)); // not among Yubei's own anomalies
        Assert.Empty(yubei.Attribution.AlsoNear);
        Assert.DoesNotContain(yubei.Anomalies, a => a.AnomalyId == rows.PlumeId);
        Assert.Contains("Episodes: 10:00–13:00 (3 h) in Shapingba 沙坪坝区 (41%)", yubeiMail.Text, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode("10:00–13:00 (3 h) in Shapingba 沙坪坝区 (41%)"), yubeiMail.Html, StringComparison.Ordinal);
        Assert.EndsWith("1 anomaly, 1 source to inspect", yubeiMail.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_headline_and_subject_count_sources_not_flags()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ReportCity.CreateAsync(db);
        await using (var connection = await db.OpenConnectionAsync())
        {
            // A second source to inspect, flagged once; P1 keeps its three flags.
            await connection.ExecuteAsync("""
                UPDATE source_flags SET probability = 0.35, to_inspect = true WHERE source_id = 'P2' AND probability > 0.15;
                """);
        }

        var (report, rendered) = await RenderAsync(db);

        Assert.Equal(5, report.Attribution.Flags.Count);
        Assert.Equal(4, report.Attribution.Flags.Count(f => f.ToInspect));
        Assert.Equal(["P1", "P2"], report.Attribution.ToInspect.Select(s => s.SourceId));
        Assert.Empty(report.Attribution.AlsoNear); // P2's other flag (12%) is listed with it, not under "also near"
        Assert.Equal([0.35, 0.12], report.Attribution.ToInspect[1].Flags.Select(f => Math.Round(f.Probability, 2)));
        Assert.EndsWith("4 anomalies, 2 sources to inspect", rendered.Subject, StringComparison.Ordinal);
        Assert.Contains("4 pollution anomalies · 2 sources to inspect ·", rendered.Text, StringComparison.Ordinal);
        Assert.Contains("4 pollution anomalies · 2 sources to inspect ·", WebUtility.HtmlDecode(rendered.Html), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_flags_attachment_keeps_one_row_per_flag_with_to_inspect()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var rows = await ReportCity.CreateAsync(db);

        var (_, rendered) = await RenderAsync(db);

        var flags = Assert.Single(rendered.Attachments, a => a.FileName == ReportRenderer.SourceFlagsCsv);
        var lines = Encoding.UTF8.GetString(flags.Content.Span[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        Assert.Equal(6, lines.Length); // header, P1 three times, P2 twice
        var toInspect = Array.IndexOf(header, "to_inspect");
        var source = Array.IndexOf(header, "source_id");
        Assert.True(toInspect > 0 && source > 0, lines[0]);
        // Address and explanation may hold commas inside quotes; the columns before them do not.
        Assert.Equal(["P1", "P1", "P1", "P2", "P2"], lines[1..].Select(l => l.Split(',')[source]));
        Assert.Contains($"{rows.SecondFlagId},{rows.PlumeId},1,3,P2,", lines[4], StringComparison.Ordinal);
        Assert.Contains(",0.18,false,2026-06-30T10:00:00+08:00,2026-06-30T13:00:00+08:00,", lines[4], StringComparison.Ordinal);
        Assert.Contains(",0.72,true,2026-06-30T10:00:00+08:00,", lines[1], StringComparison.Ordinal);
    }

    static int Occurrences(string text, string value)
    {
        var (count, at) = (0, 0);
        while ((at = text.IndexOf(value, at, StringComparison.Ordinal)) >= 0)
        {
            (count, at) = (count + 1, at + value.Length);
        }

        return count;
    }
}
