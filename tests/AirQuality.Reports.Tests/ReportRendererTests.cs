using System.Net;
using System.Text;
using AirQuality.Aggregation;
using AirQuality.Reports;
using AirQuality.Tests.Support;
using Xunit;

namespace AirQuality.Reports.Tests;

public sealed partial class ReportRendererTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    static readonly TimeZoneInfo Zone = new AggregationOptions().Zone;

    static async Task<(TeamReport Report, RenderedReport Rendered)> RenderAsync(Npgsql.NpgsqlDataSource db, string team = "team-d1", DateOnly? day = null)
    {
        var queries = new ReportQueries(db, Zone);
        var report = await queries.LoadAsync((await queries.TeamsAsync(CancellationToken.None)).Single(t => t.TeamId == team), day ?? ReportCity.Day, CancellationToken.None);
        return (report, ReportRenderer.Render(report));
    }

    [Fact]
    public async Task A_team_report_has_each_districts_headline_its_ranked_anomalies_flags_and_data_health_and_nothing_of_other_teams()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var rows = await ReportCity.CreateAsync(db);

        var (report, rendered) = await RenderAsync(db);

        Assert.Equal(["D3", "D1"], report.Districts.Select(d => d.DistrictId)); // by name: Empty, Shapingba
        var d1 = report.Districts[1];
        Assert.Equal("Shapingba 沙坪坝区", d1.DisplayName);
        Assert.True(d1.Pm25Valid);
        Assert.True(d1.ExceedsLimit);
        Assert.Equal(60, d1.LimitUgm3);
        Assert.NotNull(d1.Pm25Category);
        Assert.Equal(new DateOnly(2026, 1, 1), d1.PeriodToDate!.From);
        Assert.Equal(1, d1.PeriodToDate.ExceedanceDaysThis);
        Assert.Equal(d1.Pm25Ugm3!.Value, d1.RecentDays[^1].Pm25Ugm3!.Value, 3);
        Assert.Equal(ReportQueries.ChartDays, d1.RecentDays.Count);
        Assert.False(report.Districts[0].Aggregated && report.Districts[0].Pm25Valid);

        Assert.Equal([(rows.PlumeId, 1), (rows.NeighbourId, 2), (rows.EveningId, 3), (rows.NightId, 4)], report.Anomalies.Select(a => (a.AnomalyId, a.Rank)));
        Assert.Equal(["Tianxingqiao 天星桥街道"], report.Anomalies[0].Townships.Select(t => t.DisplayName));
        Assert.Equal([rows.FaultId], report.Faults.Select(a => a.AnomalyId));

        Assert.True(report.Attribution.HasRun);
        Assert.Equal(["P1", "P1", "P1", "P2", "P2"], report.Attribution.Flags.Select(f => f.SourceId));
        Assert.Equal(rows.TopFlagId!.Value, report.Attribution.Flags[0].FlagId);
        Assert.Equal(["P1"], report.Attribution.ToInspect.Select(s => s.SourceId));
        Assert.Equal(["P2"], report.Attribution.AlsoNear.Select(s => s.SourceId));
        var unregistered = Assert.Single(report.Attribution.WithoutRegisteredSource);
        Assert.Equal((rows.NeighbourId, 2, EpisodeVerdict.UnregisteredEmitter), (unregistered.AnomalyId, unregistered.AnomalyRank, unregistered.Verdict));

        Assert.Equal(["S5"], report.Health.Offline.Select(p => p.Sensor.Id));
        var fault = Assert.Single(report.Health.Faults);
        Assert.Equal("S2", fault.Sensor.Id);
        Assert.Equal(["flatline"], fault.Kinds);
        var completeness = report.Health.Completeness.Single(c => c.DistrictId == "D1");
        Assert.Equal((3, 2), (completeness.Sensors, completeness.SensorsReporting));
        Assert.Equal((288 + 1440) / (288 + 1440 + 288.0), completeness.Share, 3); // S1 and S2 complete, S5 silent

        // The same facts in both alternatives.
        var quote = $"quoting its flag: #1: flag {rows.TopFlagId}; ";
        foreach (var fact in new[] { "Shapingba 沙坪坝区", "10:00–13:00 (3 h)", "peak 200.0 µg/m³", "Tianxingqiao 天星桥街道", "S2 Shapingba bus depot micro 2 (peak)",
            "Chongqing Special Steel No. 2 sinter plant", "probability 72%", "particulate at 3.4x its permitted limit from 02:00", "29.57123, 106.44871",
            "Likely an unregistered emitter within 500 m of S1", "S5 · Tianxingqiao 天星桥街道", "flat line 03:00–08:00 (5 h)", "an exceedance day",
            "Exceedance days: 1 this year" })
        {
            Assert.Contains(fact, rendered.Text, StringComparison.Ordinal);
            Assert.Contains(WebUtility.HtmlEncode(fact), rendered.Html, StringComparison.Ordinal);
        }

        Assert.Contains(quote, rendered.Text, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(quote), rendered.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Yubei", rendered.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("345", rendered.Text, StringComparison.Ordinal);
        Assert.Equal("Air quality 2026-06-30, Empty, Shapingba 沙坪坝区: 4 anomalies, 1 source to inspect", rendered.Subject);
    }

    [Fact]
    public async Task The_attachments_are_utf8_csv_with_one_row_per_anomaly_and_per_flag()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var rows = await ReportCity.CreateAsync(db, sourceName: "=HYPERLINK(\"http://x\"), \"Steel\" works");

        var (_, rendered) = await RenderAsync(db);

        var anomalies = Assert.Single(rendered.Attachments, a => a.FileName == ReportRenderer.AnomaliesCsv);
        var flags = Assert.Single(rendered.Attachments, a => a.FileName == ReportRenderer.SourceFlagsCsv);
        Assert.Equal(("text/csv", "utf-8"), (anomalies.MediaType, anomalies.CharSet));
        Assert.True(anomalies.Content.Span.StartsWith(Encoding.UTF8.GetPreamble()));
        var anomalyLines = Encoding.UTF8.GetString(anomalies.Content.Span[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("rank,anomaly_id,category,", anomalyLines[0], StringComparison.Ordinal);
        Assert.Equal(6, anomalyLines.Length); // header, four episodes, one fault
        Assert.StartsWith($"1,{rows.PlumeId},pollution,exceedance_hourly;spike,1.74,2026-06-30T10:00:00+08:00,2026-06-30T13:00:00+08:00,3,200,S2,S1;S2,", anomalyLines[1], StringComparison.Ordinal);
        Assert.Contains("Tianxingqiao 天星桥街道", anomalyLines[1], StringComparison.Ordinal);
        Assert.StartsWith($",{rows.FaultId},sensor_fault,flatline,", anomalyLines[5], StringComparison.Ordinal);

        var flagText = Encoding.UTF8.GetString(flags.Content.Span[3..]);
        Assert.Contains($"1,{rows.TopFlagId},{rows.PlumeId},1,1,P1,\"'=HYPERLINK(\"\"http://x\"\"), \"\"Steel\"\" works\",steel,", flagText, StringComparison.Ordinal);
        Assert.Contains("沙坪坝区天星桥正街", flagText, StringComparison.Ordinal);
        Assert.Matches($"\r\n[0-9]+,{rows.SecondFlagId},", flagText);
    }

    [Fact]
    public async Task The_mail_shows_no_shell_command_it_says_what_is_missing_and_which_flag_to_quote()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var rows = await ReportCity.CreateAsync(db);

        var (_, rendered) = await RenderAsync(db);
        var (later, notAggregated) = await RenderAsync(db, day: ReportCity.Day.AddDays(1));

        // An officer reads the mail on a phone, without a shell: no part of it may show a command line.
        var parts = new[] { rendered, notAggregated }.SelectMany(r => new[] { ("text", r.Text), ("html", WebUtility.HtmlDecode(r.Html)) }
            .Concat(r.Attachments.Select(a => (a.FileName, Encoding.UTF8.GetString(a.Content.Span)))));
        foreach (var (part, text) in parts)
        {
            foreach (var shell in new[] { "./airq", "airq ", " --" })
            {
                Assert.False(text.Contains(shell, StringComparison.Ordinal), $"The {part} part shows \"{shell}\": {Around(text, shell)}");
            }
        }

        // Instead it says in words what is missing and what to do.
        Assert.Contains(later.Districts, d => d.Sensors > 0 && !d.Aggregated);
        Assert.Contains("No daily figures for this day yet: the aggregation has not run for it", notAggregated.Text, StringComparison.Ordinal);
        Assert.Contains("No daily figures for this day yet: the aggregation has not run for it", notAggregated.Html, StringComparison.Ordinal);
        Assert.Contains($"with your district lead or in the enforcement console, quoting its flag: #1: flag {rows.TopFlagId}; #3: flag ", rendered.Text, StringComparison.Ordinal);
    }

    static string Around(string text, string found)
    {
        var at = text.IndexOf(found, StringComparison.Ordinal);
        return text.Substring(Math.Max(0, at - 60), Math.Min(text.Length - Math.Max(0, at - 60), 140));
    }

    [Fact]
    public async Task Without_attribution_for_the_day_the_sources_section_says_so_plainly()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ReportCity.CreateAsync(db, attribution: false);

        var (report, rendered) = await RenderAsync(db);

        Assert.False(report.Attribution.HasRun);
        Assert.Contains("Source attribution has not run for this day.", rendered.Text, StringComparison.Ordinal);
        Assert.Contains("Source attribution has not run for this day.", rendered.Html, StringComparison.Ordinal);
        Assert.EndsWith("4 anomalies, attribution not run", rendered.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Markup_in_sensor_township_and_source_names_is_shown_as_text_and_never_becomes_markup()
    {
        await using var db = await postgres.NewDatabaseAsync();
        const string sensor = "<script>alert(1)</script>";
        const string township = "<img src=x onerror=alert(2)>";
        const string source = "Works\"><a href=\"javascript:alert(3)\">click</a><style>body{display:none}</style>";
        await ReportCity.CreateAsync(db, sensorName: sensor, townshipName: township, sourceName: source);

        var (_, rendered) = await RenderAsync(db);

        foreach (var injected in new[] { "<script", "<img", "<a href=\"javascript", "<style", "onerror=alert(2)>" })
        {
            Assert.DoesNotContain(injected, rendered.Html, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", rendered.Html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(2)&gt;", rendered.Html, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(source), rendered.Html, StringComparison.Ordinal);
        Assert.Contains(sensor, rendered.Text, StringComparison.Ordinal); // plain text shows the names as they are
    }

    [Fact]
    public async Task A_line_break_in_a_district_name_does_not_reach_the_subject_header()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ReportCity.CreateAsync(db, attribution: false);
        await using (var connection = await db.OpenConnectionAsync())
        {
            await using var update = new Npgsql.NpgsqlCommand("UPDATE districts SET name = E'Shapingba\\r\\nBcc: victim@example.org' WHERE district_id = 'D1'", connection);
            await update.ExecuteNonQueryAsync();
        }

        var (_, rendered) = await RenderAsync(db);

        Assert.DoesNotContain('\r', rendered.Subject);
        Assert.DoesNotContain('\n', rendered.Subject);
    }
}
