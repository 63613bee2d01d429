using System.Text.Json.Nodes;
using AirQuality.Tests.Support;
using Dapper;
using Xunit;
using Xunit.Abstractions;

namespace AirQuality.EnforcementConsole.Tests;

/// <summary>
/// The console in a real browser: <c>tests/browser/console-workflow.mjs</c> (playwright-core driving Debian's
/// Chromium) signs in through the form, reads the map and takes a flag from dispatch to resolution; this test checks
/// what the script saw against the database and the rows the browser's clicks left behind.
/// </summary>
public sealed class BrowserWorkflowTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    [PlaywrightFact]
    public async Task A_lead_and_an_officer_take_a_flag_from_dispatch_to_resolution_in_chromium_and_another_team_is_refused()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var rows = await ConsoleCity.CreateAsync(db);
        await ConsoleCity.AddWorkflowUsersAsync(db);
        await ConsoleCity.AddEpisodeHistoryAsync(db, rows); // so the screenshots show an episode's chart with its lines
        await using var console = await RunningConsole.StartAsync(postgres, db);
        var folder = Path.Combine(TestRegistry.RepositoryRoot, ".airq", "test-results", "console-screenshots");

        var (exitCode, result, error) = await BrowserScript.RunAsync("console-workflow.mjs", new Dictionary<string, string>
        {
            ["AIRQ_CONSOLE_URL"] = console.Address.ToString(), ["AIRQ_PASSWORD"] = ConsoleCity.Password,
            ["AIRQ_LEAD"] = "yu.lead", ["AIRQ_OFFICER"] = "yu.officer", ["AIRQ_OTHER_LEAD"] = "jb.lead",
            ["AIRQ_TEAM"] = "team-yuzhong", ["AIRQ_SOURCE"] = rows.YuzhongSource1, ["AIRQ_SCREENSHOTS"] = folder,
            ["AIRQ_CHROMIUM"] = HeadlessChromium.Executable!,
        });
        output.WriteLine(result?.ToJsonString() ?? "(no JSON)");
        output.WriteLine(error);
        Assert.True(exitCode == 0 && result is not null && result["error"] is null, $"The browser script failed ({exitCode}): {result?["error"]}\n{error}");
        Assert.Equal(["signed in", "dispatched", "acknowledged", "finding", "resolved", "other team refused"], Strings(result!["steps"]));

        // The map the browser drew: every sensor of the team's districts, and exactly the sources to inspect marked.
        await using var connection = await db.OpenConnectionAsync();
        var sensors = (await connection.QueryAsync<string>("""
            SELECT s.sensor_id FROM sensors s JOIN enforcement_team_districts t USING (district_id) WHERE t.team_id = 'team-yuzhong' ORDER BY 1
            """)).ToList();
        var map = result["map"]!;
        Assert.Equal(sensors, Strings(map["sensors"]).Order(StringComparer.Ordinal));
        Assert.Equal([rows.YuzhongSource1, rows.YuzhongSource2], Strings(map["flagged"]).Order(StringComparer.Ordinal));
        var episodes = (await connection.QueryAsync<long>("SELECT anomaly_id FROM anomalies WHERE 'yuzhong' = ANY (district_ids) ORDER BY 1")).ToList();
        Assert.Equal(episodes, map["episodes"]!.AsArray().Select(n => (long)n!).Order());
        Assert.Equal(episodes, map["charts"]!.AsArray().Select(c => (long)c!["anomaly"]!).Order());
        Assert.Contains(map["charts"]!.AsArray(), c => (int)c!["sensors"]! == 3 && (int)c["lines"]! >= 5); // the episode with history: 3 sensors, usual level, telemetry
        Assert.Equal(403, (int)result["otherTeamStatus"]!);
        Assert.InRange((int)result["phoneScrollWidth"]!, 300, 390);

        // What the clicks left in the database: each step by its user, the photo as the browser uploaded it, four audit rows.
        var flag = (long)result["flagId"]!;
        Assert.Equal(await ConsoleCity.FlagIdAsync(db, rows.YuzhongSource1), flag);
        var dispatch = await connection.QuerySingleAsync<(long DispatchId, string Assigned, string By, string AckBy, string ResBy)>("""
            SELECT d.dispatch_id, a.name, b.name, k.name, r.name FROM flag_dispatches d
            JOIN console_users a ON a.user_id = d.assigned_user_id JOIN console_users b ON b.user_id = d.dispatched_by
            JOIN console_users k ON k.user_id = d.acknowledged_by JOIN console_users r ON r.user_id = d.resolved_by
            WHERE d.flag_id = @flag
            """, new { flag });
        Assert.Equal(("yu.officer", "yu.lead", "yu.officer", "yu.lead"), (dispatch.Assigned, dispatch.By, dispatch.AckBy, dispatch.ResBy));
        var finding = await connection.QuerySingleAsync<(string Finding, string Notes, byte[] Photo, string Type, long? OutcomeId)>(
            "SELECT finding, notes, photo, photo_type, outcome_id FROM flag_findings WHERE dispatch_id = @id", new { id = dispatch.DispatchId });
        Assert.Equal(("confirmed", "Dust from the yard, seen from the gate (browser test).", "image/png"), (finding.Finding, finding.Notes, finding.Type));
        Assert.Equal(await File.ReadAllBytesAsync((string)result["screenshots"]!["today390"]!), finding.Photo);
        Assert.NotNull(finding.OutcomeId);
        Assert.Equal(["dispatch", "acknowledge", "finding", "resolve"],
            await connection.QueryAsync<string>("SELECT action FROM console_audit WHERE dispatch_id = @id ORDER BY audit_id", new { id = dispatch.DispatchId }));

        foreach (var name in new[] { "today1280", "today390", "flag390" })
        {
            var png = (string)result["screenshots"]![name]!;
            Assert.True(new FileInfo(png).Length > 10_000, $"{png} is missing or nearly empty.");
            output.WriteLine($"Screenshot: {png}");
        }
    }

    static List<string> Strings(JsonNode? array) => array!.AsArray().Select(n => (string)n!).ToList();
}
