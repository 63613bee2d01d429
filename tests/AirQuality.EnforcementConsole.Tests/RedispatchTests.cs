using System.Globalization;
using System.Net;
using AirQuality.Tests.Support;
using Dapper;
using Npgsql;
using Xunit;
using static AirQuality.EnforcementConsole.Tests.WorkflowTests;

namespace AirQuality.EnforcementConsole.Tests;

/// <summary>Re-dispatching a flag to someone else, each user's open dispatches, and the workflow as analysts read it.</summary>
public sealed class RedispatchTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task The_lead_sends_an_acknowledged_flag_to_another_officer_who_must_acknowledge_it_anew_with_an_audit_row_saying_from_whom_to_whom()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var rows = await ConsoleCity.CreateAsync(db);
        await ConsoleCity.AddWorkflowUsersAsync(db);
        var flag = await ConsoleCity.FlagIdAsync(db, rows.YuzhongSource1);
        await using var console = await RunningConsole.StartAsync(postgres, db);
        var start = console.Time.Now;
        using var lead = await SignedInAsync(console, "yu.lead");
        using var officer = await SignedInAsync(console, "yu.officer");
        using var officer2 = await SignedInAsync(console, "yu.officer2");
        var (officerId, officer2Id, leadId) = (await UserIdAsync(db, "yu.officer"), await UserIdAsync(db, "yu.officer2"), await UserIdAsync(db, "yu.lead"));

        AssertRedirectTo(flag, await StepAsync(lead, flag, "dispatch", ("officer", Id(officerId))));
        console.Time.Now += TimeSpan.FromHours(1);
        AssertRedirectTo(flag, await StepAsync(officer, flag, "acknowledge"));
        // The lead's page offers the other officer and the whole team, not the one it is with.
        var page = await (await lead.GetAsync($"/flags/{flag}")).Content.ReadAsStringAsync();
        Assert.Contains($"action=\"/flags/{flag}/redispatch\"", page, StringComparison.Ordinal);
        Assert.Contains($"<option value=\"{officer2Id}\">yu.officer2</option>", page, StringComparison.Ordinal);
        Assert.DoesNotContain($"<option value=\"{officerId}\">", page[page.IndexOf("/redispatch", StringComparison.Ordinal)..], StringComparison.Ordinal);

        console.Time.Now += TimeSpan.FromHours(1);
        Assert.Equal(HttpStatusCode.Conflict, (await StepAsync(lead, flag, "redispatch", ("officer", Id(officerId)))).StatusCode); // already with them
        AssertRedirectTo(flag, await StepAsync(lead, flag, "redispatch", ("officer", Id(officer2Id))));

        await using var connection = await db.OpenConnectionAsync();
        var dispatch = await connection.QuerySingleAsync<(long Assigned, long By, DateTime At, long? AckBy, DateTime? AckAt)>(
            "SELECT assigned_user_id, dispatched_by, dispatched_at, acknowledged_by, acknowledged_at FROM flag_dispatches WHERE flag_id = @flag", new { flag });
        Assert.Equal((officer2Id, leadId, start.UtcDateTime.AddHours(2), (long?)null, (DateTime?)null), dispatch);
        var audit = (await connection.QueryAsync<(string Action, long UserId, string Detail)>("SELECT action, user_id, detail FROM console_audit ORDER BY audit_id")).ToList();
        Assert.Equal(["dispatch", "acknowledge", "redispatch"], audit.Select(a => a.Action));
        Assert.Equal(leadId, audit[2].UserId);
        Assert.Equal($"re-dispatched flag {flag} ({rows.YuzhongSource1}) from officer yu.officer (acknowledged by yu.officer; acknowledgement reset) to officer yu.officer2", audit[2].Detail);

        // The first officer is out of it; the new one acknowledges and takes it on to the end.
        Assert.Equal(HttpStatusCode.Forbidden, (await StepAsync(officer, flag, "finding", ("finding", "confirmed"))).StatusCode);
        AssertRedirectTo(flag, await StepAsync(officer2, flag, "acknowledge"));
        AssertRedirectTo(flag, await StepAsync(officer2, flag, "finding", ("finding", "not_confirmed")));
        // After the finding it stays with whoever recorded it.
        Assert.Equal(HttpStatusCode.Conflict, (await StepAsync(lead, flag, "redispatch", ("officer", "team"))).StatusCode);
        Assert.DoesNotContain("/redispatch", await (await lead.GetAsync($"/flags/{flag}")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(["dispatch", "acknowledge", "redispatch", "acknowledge", "finding"], await connection.QueryAsync<string>("SELECT action FROM console_audit ORDER BY audit_id"));
    }

    [Fact]
    public async Task Only_the_dispatching_teams_lead_re_dispatches_and_only_before_the_finding()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var rows = await ConsoleCity.CreateAsync(db);
        await ConsoleCity.AddWorkflowUsersAsync(db);
        var flag = await ConsoleCity.FlagIdAsync(db, rows.YuzhongSource1);
        await using var console = await RunningConsole.StartAsync(postgres, db);
        using var lead = await SignedInAsync(console, "yu.lead");
        using var officer = await SignedInAsync(console, "yu.officer");
        using var otherLead = await SignedInAsync(console, "jb.lead");
        using var analyst = await SignedInAsync(console, "an.alyst");

        Assert.Equal(HttpStatusCode.Conflict, (await StepAsync(lead, flag, "redispatch", ("officer", "team"))).StatusCode); // not dispatched yet
        AssertRedirectTo(flag, await StepAsync(lead, flag, "dispatch", ("officer", "team")));
        foreach (var notLead in new[] { officer, analyst })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await StepAsync(notLead, flag, "redispatch", ("officer", "team"))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await StepAsync(otherLead, flag, "redispatch", ("officer", "team"))).StatusCode); // another team's flag
        Assert.Equal(HttpStatusCode.BadRequest, (await StepAsync(lead, flag, "redispatch", ("officer", Id(await UserIdAsync(db, "jb.officer"))))).StatusCode); // not of the team
        Assert.Equal(HttpStatusCode.BadRequest, (await StepAsync(lead, flag, "redispatch", ("officer", "nobody"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await lead.PostAsync($"/flags/{flag}/redispatch", [new("officer", "team")])).StatusCode); // no token

        await using var connection = await db.OpenConnectionAsync();
        Assert.Null(await connection.QuerySingleAsync<long?>("SELECT assigned_user_id FROM flag_dispatches"));
        Assert.Equal(["dispatch"], await connection.QueryAsync<string>("SELECT action FROM console_audit ORDER BY audit_id"));
    }

    [Fact]
    public async Task Each_user_sees_their_own_open_dispatches_on_the_today_page_until_resolved()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var rows = await ConsoleCity.CreateAsync(db);
        await ConsoleCity.AddWorkflowUsersAsync(db);
        var flag1 = await ConsoleCity.FlagIdAsync(db, rows.YuzhongSource1);
        var flag2 = await ConsoleCity.FlagIdAsync(db, rows.YuzhongSource2);
        await using var console = await RunningConsole.StartAsync(postgres, db);
        using var lead = await SignedInAsync(console, "yu.lead");
        using var officer = await SignedInAsync(console, "yu.officer");
        using var officer2 = await SignedInAsync(console, "yu.officer2");
        using var member = await SignedInAsync(console, "yu.member");
        using var otherOfficer = await SignedInAsync(console, "jb.officer");
        var officerId = await UserIdAsync(db, "yu.officer");

        Assert.Contains("None open.", await MineAsync(officer), StringComparison.Ordinal);
        AssertRedirectTo(flag1, await StepAsync(lead, flag1, "dispatch", ("officer", Id(officerId))));
        AssertRedirectTo(flag2, await StepAsync(lead, flag2, "dispatch", ("officer", "team")));
        console.Time.Now += TimeSpan.FromHours(5); // past AcknowledgeWithin

        // yu.officer: the flag sent to them and the one sent to the whole team; yu.officer2 and the member only the team's.
        Assert.Equal([flag1, flag2], Flags(await MineAsync(officer)));
        Assert.Equal([flag2], Flags(await MineAsync(officer2)));
        Assert.Equal([flag2], Flags(await MineAsync(member)));
        Assert.Equal([flag1, flag2], Flags(await MineAsync(lead))); // the lead: the ones they dispatched
        Assert.Empty(Flags(await MineAsync(otherOfficer, "team-jiangbei")));
        Assert.Contains("waiting for acknowledgement (overdue)", await MineAsync(officer), StringComparison.Ordinal);

        AssertRedirectTo(flag1, await StepAsync(officer, flag1, "acknowledge"));
        Assert.Contains("acknowledged, waiting for the finding", await MineAsync(officer), StringComparison.Ordinal);
        AssertRedirectTo(flag1, await StepAsync(officer, flag1, "finding", ("finding", "confirmed")));
        Assert.Contains("finding recorded, waiting to be resolved", await MineAsync(lead), StringComparison.Ordinal);
        AssertRedirectTo(flag1, await StepAsync(lead, flag1, "resolve"));
        Assert.Equal([flag2], Flags(await MineAsync(officer)));
        Assert.Equal([flag2], Flags(await MineAsync(lead)));
    }

    [Fact]
    public async Task Analysts_read_the_workflow_through_flag_dispatch_history_but_not_photos_addresses_or_the_tables_beneath()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var rows = await ConsoleCity.CreateAsync(db);
        await ConsoleCity.AddWorkflowUsersAsync(db);
        var flag = await ConsoleCity.FlagIdAsync(db, rows.YuzhongSource1);
        await using var console = await RunningConsole.StartAsync(postgres, db);
        using var lead = await SignedInAsync(console, "yu.lead");
        using var officer = await SignedInAsync(console, "yu.officer");
        using var officer2 = await SignedInAsync(console, "yu.officer2");
        AssertRedirectTo(flag, await StepAsync(lead, flag, "dispatch", ("officer", Id(await UserIdAsync(db, "yu.officer")))));
        AssertRedirectTo(flag, await StepAsync(lead, flag, "redispatch", ("officer", Id(await UserIdAsync(db, "yu.officer2")))));
        console.Time.Now += TimeSpan.FromMinutes(90);
        AssertRedirectTo(flag, await StepAsync(officer2, flag, "acknowledge"));
        console.Time.Now += TimeSpan.FromHours(2);
        AssertRedirectTo(flag, await StepAsync(officer2, flag, "finding", ("finding", "confirmed"), ("notes", "hopper cover off")));

        await using var connection = await db.OpenConnectionAsync();
        var flaggedAt = await connection.QuerySingleAsync<DateTime>("SELECT flagged_at FROM source_flags WHERE flag_id = @flag", new { flag });
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await connection.ExecuteAsync("SET LOCAL ROLE airq_analyst", transaction: transaction);
            var row = await connection.QuerySingleAsync<(string Assigned, string By, string AckBy, string Finding, string Notes, bool Photo, int Redispatches, double ToAck, double ToFinding)>("""
                SELECT assigned_to, dispatched_by, acknowledged_by, finding, finding_notes, finding_has_photo, redispatches, hours_to_acknowledge, hours_to_finding
                FROM flag_dispatch_history WHERE flag_id = @flag
                """, new { flag }, transaction);
            var start = console.Time.Now.UtcDateTime - TimeSpan.FromMinutes(210);
            Assert.Equal(("yu.officer2", "yu.lead", "yu.officer2", "confirmed", "hopper cover off", false, 1), (row.Assigned, row.By, row.AckBy, row.Finding, row.Notes, row.Photo, row.Redispatches));
            Assert.Equal((start.AddMinutes(90) - flaggedAt).TotalHours, row.ToAck, 6);
            Assert.Equal((start.AddMinutes(210) - flaggedAt).TotalHours, row.ToFinding, 6);
        }

        // The view's columns and nothing else: no photo, no address, no password hash.
        foreach (var denied in new[] { "SELECT photo FROM flag_findings", "SELECT address FROM console_audit", "SELECT password_hash FROM console_users", "SELECT * FROM flag_dispatches" })
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await connection.ExecuteAsync("SET LOCAL ROLE airq_analyst", transaction: transaction);
            var e = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(denied, transaction: transaction));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
        }
    }

    static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    static async Task<string> MineAsync(RunningConsole.Client client, string team = "team-yuzhong")
    {
        var html = await (await client.GetAsync($"/teams/{team}/today")).Content.ReadAsStringAsync();
        var at = html.IndexOf("id=\"my-dispatches\"", StringComparison.Ordinal);
        Assert.True(at >= 0, "The today page has no list of the user's open dispatches.");
        return html[at..html.IndexOf("<h2>", at, StringComparison.Ordinal)]; // the next section's heading ends the list
    }

    static List<long> Flags(string list) => System.Text.RegularExpressions.Regex.Matches(list, "href=\"/flags/(\\d+)\"")
        .Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Distinct().ToList();
}
