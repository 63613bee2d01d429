using System.Net;
using AirQuality.Tests.Support;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace AirQuality.EnforcementConsole.Tests;

/// <summary>The workflow over HTTP: dispatch, acknowledge, finding (with photo), resolve; who may do what; the audit; the outcome row.</summary>
public sealed class WorkflowTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 4];

    [Fact]
    public async Task A_flag_goes_from_dispatch_to_resolution_with_user_and_time_at_each_step_an_audit_row_each_and_an_outcome()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var rows = await ConsoleCity.CreateAsync(db);
        await ConsoleCity.AddWorkflowUsersAsync(db);
        var flag = await ConsoleCity.FlagIdAsync(db, rows.YuzhongSource1);
        await using var console = await RunningConsole.StartAsync(postgres, db);
        var start = console.Time.Now;
        using var lead = await SignedInAsync(console, "yu.lead");
        using var officer = await SignedInAsync(console, "yu.officer");

        // The today page links each flag to its page.
        Assert.Contains($"href=\"/flags/{flag}\"", await (await lead.GetAsync("/teams/team-yuzhong/today")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var page = await (await lead.GetAsync($"/flags/{flag}")).Content.ReadAsStringAsync();
        Assert.Contains("<option value=\"team\">the whole team</option>", page, StringComparison.Ordinal);
        var officerId = await UserIdAsync(db, "yu.officer");
        Assert.Contains($"<option value=\"{officerId}\">yu.officer</option>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("jb.officer", page, StringComparison.Ordinal);

        AssertRedirectTo(flag, await StepAsync(lead, flag, "dispatch", ("officer", officerId.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        console.Time.Now += TimeSpan.FromMinutes(30);
        AssertRedirectTo(flag, await StepAsync(officer, flag, "acknowledge"));
        console.Time.Now += TimeSpan.FromHours(2);
        var token = await officer.FormTokenAsync($"/flags/{flag}");
        AssertRedirectTo(flag, await officer.PostMultipartAsync($"/flags/{flag}/finding",
            [new("__airq_token", token), new("finding", "confirmed"), new("notes", "dust cover off the hopper")], ("photo", "site.bin", Png, "application/octet-stream")));
        console.Time.Now += TimeSpan.FromMinutes(10);
        AssertRedirectTo(flag, await StepAsync(lead, flag, "resolve"));

        await using var connection = await db.OpenConnectionAsync();
        var dispatch = await connection.QuerySingleAsync<(long DispatchId, long? Assigned, long By, DateTime At, long AckBy, DateTime AckAt, long ResBy, DateTime ResAt)>(
            "SELECT dispatch_id, assigned_user_id, dispatched_by, dispatched_at, acknowledged_by, acknowledged_at, resolved_by, resolved_at FROM flag_dispatches WHERE flag_id = @flag", new { flag });
        var leadId = await UserIdAsync(db, "yu.lead");
        Assert.Equal((officerId, leadId, start.UtcDateTime), (dispatch.Assigned!.Value, dispatch.By, dispatch.At));
        Assert.Equal((officerId, start.UtcDateTime.AddMinutes(30)), (dispatch.AckBy, dispatch.AckAt));
        Assert.Equal((leadId, start.UtcDateTime.AddMinutes(160)), (dispatch.ResBy, dispatch.ResAt));

        var finding = await connection.QuerySingleAsync<(string Finding, string Notes, byte[] Photo, string Type, long OutcomeId, long By)>(
            "SELECT finding, notes, photo, photo_type, outcome_id, recorded_by FROM flag_findings WHERE dispatch_id = @id", new { id = dispatch.DispatchId });
        Assert.Equal(("confirmed", "dust cover off the hopper", "image/png", officerId), (finding.Finding, finding.Notes, finding.Type, finding.By));
        Assert.Equal(Png, finding.Photo);
        // The outcome row, as airq outcome record writes it, so retraining learns from it.
        var outcome = await connection.QuerySingleAsync<(long? FlagId, string SourceId, string Finding, string TeamId, DateTime InspectedOn)>(
            "SELECT flag_id, source_id, finding, team_id, inspected_on FROM enforcement_outcomes WHERE outcome_id = @id", new { id = finding.OutcomeId });
        Assert.Equal((flag, rows.YuzhongSource1, "confirmed", "team-yuzhong", new DateTime(2026, 12, 1)), (outcome.FlagId!.Value, outcome.SourceId, outcome.Finding, outcome.TeamId, outcome.InspectedOn));

        var audit = (await connection.QueryAsync<(long UserId, DateTime At, string Action, string Address)>(
            "SELECT user_id, at, action, host(address) FROM console_audit WHERE dispatch_id = @id ORDER BY audit_id", new { id = dispatch.DispatchId })).ToList();
        Assert.Equal(
            [(leadId, start.UtcDateTime, "dispatch", "127.0.0.1"), (officerId, start.UtcDateTime.AddMinutes(30), "acknowledge", "127.0.0.1"),
             (officerId, start.UtcDateTime.AddMinutes(150), "finding", "127.0.0.1"), (leadId, start.UtcDateTime.AddMinutes(160), "resolve", "127.0.0.1")],
            audit);

        // The page tells the story, and the photo comes back as it was sent, typed by its content.
        page = await (await officer.GetAsync($"/flags/{flag}")).Content.ReadAsStringAsync();
        Assert.Contains("Dispatched to yu.officer by yu.lead, 2026-12-01 08:00 UTC", page, StringComparison.Ordinal);
        Assert.Contains("Resolved by yu.lead, 2026-12-01 10:40 UTC", page, StringComparison.Ordinal);
        Assert.Contains("alt=\"Photo taken at the inspection of", page, StringComparison.Ordinal);
        var photo = await officer.GetAsync($"/flags/{flag}/photo");
        Assert.Equal("image/png", photo.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Png, await photo.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Could_not_inspect_is_recorded_but_is_no_outcome_for_retraining()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var rows = await ConsoleCity.CreateAsync(db);
        await ConsoleCity.AddWorkflowUsersAsync(db);
        var flag = await ConsoleCity.FlagIdAsync(db, rows.YuzhongSource2);
        await using var console = await RunningConsole.StartAsync(postgres, db);
        using var lead = await SignedInAsync(console, "yu.lead");
        using var member = await SignedInAsync(console, "yu.member"); // sent to the whole team: any member may take it
        AssertRedirectTo(flag, await StepAsync(lead, flag, "dispatch", ("officer", "team")));
        AssertRedirectTo(flag, await StepAsync(member, flag, "acknowledge"));
        AssertRedirectTo(flag, await StepAsync(member, flag, "finding", ("finding", "could_not_inspect"), ("notes", "gate locked")));

        await using var connection = await db.OpenConnectionAsync();
        Assert.Equal("could_not_inspect", await connection.QuerySingleAsync<string>("SELECT finding FROM flag_findings"));
        Assert.Equal(0, await connection.QuerySingleAsync<int>("SELECT count(*) FROM enforcement_outcomes"));
        Assert.Null(await connection.QuerySingleAsync<long?>("SELECT assigned_user_id FROM flag_dispatches"));
    }

    [Fact]
    public async Task Each_step_is_refused_to_the_wrong_role_out_of_order_and_twice_and_changes_nothing()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var rows = await ConsoleCity.CreateAsync(db);
        await ConsoleCity.AddWorkflowUsersAsync(db);
        var flag = await ConsoleCity.FlagIdAsync(db, rows.YuzhongSource1);
        await using var console = await RunningConsole.StartAsync(postgres, db);
        using var lead = await SignedInAsync(console, "yu.lead");
        using var officer = await SignedInAsync(console, "yu.officer");
        using var officer2 = await SignedInAsync(console, "yu.officer2");
        using var analyst = await SignedInAsync(console, "an.alyst");
        using var city = await SignedInAsync(console, "city.sup");

        Assert.Equal(HttpStatusCode.Conflict, (await StepAsync(officer, flag, "acknowledge")).StatusCode); // not dispatched yet
        foreach (var notLead in new[] { officer, analyst, city })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await StepAsync(notLead, flag, "dispatch", ("officer", "team"))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Redirect, (await StepAsync(lead, flag, "dispatch", ("officer", (await UserIdAsync(db, "yu.officer")).ToString(System.Globalization.CultureInfo.InvariantCulture)))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await StepAsync(lead, flag, "dispatch", ("officer", "team"))).StatusCode); // twice
        Assert.Equal(HttpStatusCode.Forbidden, (await StepAsync(lead, flag, "acknowledge")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await StepAsync(analyst, flag, "acknowledge")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await StepAsync(officer2, flag, "acknowledge")).StatusCode); // sent to yu.officer, not to them
        Assert.Equal(HttpStatusCode.Conflict, (await StepAsync(officer, flag, "finding", ("finding", "confirmed"))).StatusCode); // not acknowledged
        Assert.Equal(HttpStatusCode.Conflict, (await StepAsync(lead, flag, "resolve")).StatusCode); // no finding
        Assert.Equal(HttpStatusCode.Redirect, (await StepAsync(officer, flag, "acknowledge")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await StepAsync(officer, flag, "acknowledge")).StatusCode);
        var unknown = await StepAsync(officer, flag, "finding", ("finding", "maybe"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("confirmed, not_confirmed, could_not_inspect", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await StepAsync(officer, flag, "resolve")).StatusCode);

        await using var connection = await db.OpenConnectionAsync();
        Assert.Equal(0, await connection.QuerySingleAsync<int>("SELECT count(*) FROM flag_findings"));
        Assert.Equal(["dispatch", "acknowledge"], await connection.QueryAsync<string>("SELECT action FROM console_audit ORDER BY audit_id"));
        Assert.Null(await connection.QuerySingleAsync<DateTime?>("SELECT resolved_at FROM flag_dispatches"));
    }

    [Fact]
    public async Task Another_teams_users_are_refused_every_flag_url_and_form_and_a_lead_cannot_dispatch_to_another_teams_officer()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var rows = await ConsoleCity.CreateAsync(db);
        await ConsoleCity.AddWorkflowUsersAsync(db);
        var yuzhongFlag = await ConsoleCity.FlagIdAsync(db, rows.YuzhongSource1);
        var jiangbeiFlag = await ConsoleCity.FlagIdAsync(db, rows.JiangbeiSource);
        await using var console = await RunningConsole.StartAsync(postgres, db);
        using var yuLead = await SignedInAsync(console, "yu.lead");
        using var yuOfficer = await SignedInAsync(console, "yu.officer");
        using var jbLead = await SignedInAsync(console, "jb.lead");
        using var jbOfficer = await SignedInAsync(console, "jb.officer");

        // A Yuzhong flag taken all the way, so that each step has something to refuse.
        Assert.Equal(HttpStatusCode.Redirect, (await StepAsync(yuLead, yuzhongFlag, "dispatch", ("officer", "team"))).StatusCode);
        foreach (var outsider in new[] { jbLead, jbOfficer })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await outsider.GetAsync($"/flags/{yuzhongFlag}")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await outsider.GetAsync($"/flags/{yuzhongFlag}/photo")).StatusCode);
            foreach (var step in new[] { "dispatch", "redispatch", "acknowledge", "finding", "resolve" })
            {
                Assert.Equal(HttpStatusCode.Forbidden, (await StepAsync(outsider, yuzhongFlag, step, ("officer", "team"), ("finding", "not_confirmed"))).StatusCode);
            }
        }

        // A flag id that does not exist answers a team user as another team's does: nothing is learnt from the id.
        var missing = await yuOfficer.GetAsync("/flags/999999");
        Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await StepAsync(yuLead, jiangbeiFlag, "dispatch", ("officer", "team"))).StatusCode);
        var jbOfficerId = await UserIdAsync(db, "jb.officer");
        var wrongOfficer = await StepAsync(jbLead, jiangbeiFlag, "dispatch", ("officer", (await UserIdAsync(db, "yu.officer")).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(HttpStatusCode.BadRequest, wrongOfficer.StatusCode);
        Assert.Contains("is not a township officer of team team-jiangbei", await wrongOfficer.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await using var connection = await db.OpenConnectionAsync();
        Assert.Equal(["dispatch"], await connection.QueryAsync<string>("SELECT action FROM console_audit"));
        Assert.Equal(1, await connection.QuerySingleAsync<int>("SELECT count(*) FROM flag_dispatches"));
        Assert.Null(await connection.QuerySingleAsync<DateTime?>("SELECT acknowledged_at FROM flag_dispatches"));
        Assert.NotEqual(0, jbOfficerId);
    }

    [Fact]
    public async Task Where_two_teams_cover_a_district_only_the_dispatching_team_takes_the_flag_further()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var rows = await ConsoleCity.CreateAsync(db);
        await ConsoleCity.AddWorkflowUsersAsync(db);
        await using (var connection = await db.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("""
                INSERT INTO enforcement_teams (team_id, name, recipient_emails) VALUES ('team-river', 'River patrol', '{river@airq.example.org}');
                INSERT INTO enforcement_team_districts (team_id, district_id) VALUES ('team-river', 'yuzhong');
                """);
        }

        await ConsoleUserStore.AddOrUpdateAsync(db, "river.officer", ConsoleRoles.TownshipOfficer, "team-river", ConsoleCity.Password, CancellationToken.None);
        await ConsoleUserStore.AddOrUpdateAsync(db, "river.lead", ConsoleRoles.DistrictLead, "team-river", ConsoleCity.Password, CancellationToken.None);
        var flag = await ConsoleCity.FlagIdAsync(db, rows.YuzhongSource1);
        await using var console = await RunningConsole.StartAsync(postgres, db);
        using var lead = await SignedInAsync(console, "yu.lead");
        using var officer = await SignedInAsync(console, "yu.officer");
        using var riverOfficer = await SignedInAsync(console, "river.officer");
        using var riverLead = await SignedInAsync(console, "river.lead");
        Assert.Equal(HttpStatusCode.OK, (await riverOfficer.GetAsync($"/flags/{flag}")).StatusCode); // both teams see it

        await StepAsync(lead, flag, "dispatch", ("officer", "team"));
        Assert.Equal(HttpStatusCode.Forbidden, (await StepAsync(riverOfficer, flag, "acknowledge")).StatusCode);
        Assert.DoesNotContain("/acknowledge", await (await riverOfficer.GetAsync($"/flags/{flag}")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await StepAsync(officer, flag, "acknowledge");
        Assert.Equal(HttpStatusCode.Forbidden, (await StepAsync(riverOfficer, flag, "finding", ("finding", "confirmed"))).StatusCode);
        await StepAsync(officer, flag, "finding", ("finding", "confirmed"));
        Assert.Equal(HttpStatusCode.Forbidden, (await StepAsync(riverLead, flag, "resolve")).StatusCode);

        await using var check = await db.OpenConnectionAsync();
        Assert.Null(await check.QuerySingleAsync<DateTime?>("SELECT resolved_at FROM flag_dispatches"));
        Assert.Equal(["dispatch", "acknowledge", "finding"], await check.QueryAsync<string>("SELECT action FROM console_audit ORDER BY audit_id"));
    }

    [Fact]
    public async Task A_photo_too_large_or_not_a_jpeg_or_png_by_its_bytes_is_refused_and_nothing_is_recorded()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var rows = await ConsoleCity.CreateAsync(db);
        await ConsoleCity.AddWorkflowUsersAsync(db);
        var flag = await ConsoleCity.FlagIdAsync(db, rows.YuzhongSource1);
        await using var console = await RunningConsole.StartAsync(postgres, db, new ConsoleOptions { PhotoMaxBytes = 64 * 1024 });
        using var lead = await SignedInAsync(console, "yu.lead");
        using var officer = await SignedInAsync(console, "yu.officer");
        await StepAsync(lead, flag, "dispatch", ("officer", "team"));
        await StepAsync(officer, flag, "acknowledge");

        var large = new byte[64 * 1024 + 1];
        Png.CopyTo(large, 0);
        var tooLarge = await PostFindingAsync(officer, flag, ("photo", "site.png", large, "image/png"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Contains("at most 65,536 are accepted", await tooLarge.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var gif = await PostFindingAsync(officer, flag, ("photo", "site.jpg", "GIF89a......"u8.ToArray(), "image/jpeg")); // named and typed as a JPEG
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, gif.StatusCode);
        Assert.Contains("neither a JPEG nor a PNG", await gif.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await using var connection = await db.OpenConnectionAsync();
        Assert.Equal(0, await connection.QuerySingleAsync<int>("SELECT count(*) FROM flag_findings"));
        Assert.Equal(0, await connection.QuerySingleAsync<int>("SELECT count(*) FROM enforcement_outcomes"));

        // A JPEG exactly at the limit is accepted.
        var jpeg = new byte[64 * 1024];
        jpeg[0] = 0xFF;
        jpeg[1] = 0xD8;
        jpeg[2] = 0xFF;
        Assert.Equal(HttpStatusCode.Redirect, (await PostFindingAsync(officer, flag, ("photo", "x.png", jpeg, "image/png"))).StatusCode);
        Assert.Equal("image/jpeg", await connection.QuerySingleAsync<string>("SELECT photo_type FROM flag_findings"));
    }

    [Fact]
    public async Task A_workflow_post_without_the_anti_forgery_token_is_refused()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var rows = await ConsoleCity.CreateAsync(db);
        await ConsoleCity.AddWorkflowUsersAsync(db);
        var flag = await ConsoleCity.FlagIdAsync(db, rows.YuzhongSource1);
        await using var console = await RunningConsole.StartAsync(postgres, db);
        using var lead = await SignedInAsync(console, "yu.lead");
        Assert.Equal(HttpStatusCode.BadRequest, (await lead.PostAsync($"/flags/{flag}/dispatch", [new("officer", "team")])).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await lead.PostAsync($"/flags/{flag}/dispatch", [new("__airq_token", "forged"), new("officer", "team")])).StatusCode);
        await using var connection = await db.OpenConnectionAsync();
        Assert.Equal(0, await connection.QuerySingleAsync<int>("SELECT count(*) FROM flag_dispatches"));
    }

    [Fact]
    public async Task A_dispatch_unacknowledged_past_AcknowledgeWithin_is_listed_as_overdue_for_the_teams_lead_only()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var rows = await ConsoleCity.CreateAsync(db);
        await ConsoleCity.AddWorkflowUsersAsync(db);
        var flag = await ConsoleCity.FlagIdAsync(db, rows.YuzhongSource1);
        await using var console = await RunningConsole.StartAsync(postgres, db);
        using var lead = await SignedInAsync(console, "yu.lead");
        using var jbLead = await SignedInAsync(console, "jb.lead");
        await StepAsync(lead, flag, "dispatch", ("officer", "team"));

        console.Time.Now += TimeSpan.FromHours(4);
        Assert.Contains("None: every dispatch has been acknowledged in time.", await (await lead.GetAsync("/teams/team-yuzhong/today")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        console.Time.Now += TimeSpan.FromMinutes(1);
        var today = await (await lead.GetAsync("/teams/team-yuzhong/today")).Content.ReadAsStringAsync();
        Assert.Contains($"<a href=\"/flags/{flag}\">flag {flag}</a>: {rows.YuzhongSource1}", today, StringComparison.Ordinal);
        Assert.Contains("waiting 4.0 h", today, StringComparison.Ordinal);
        Assert.Contains("id=\"overdue\"", await (await lead.GetAsync($"/flags/{flag}")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("None: every dispatch", await (await jbLead.GetAsync("/teams/team-jiangbei/today")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void Console_settings_bind_from_the_Console_section_and_are_checked()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Console:AcknowledgeWithin"] = "02:30:00",
            ["Console:PhotoMaxBytes"] = "1048576",
        }).Build();
        var services = new ServiceCollection();
        services.AddEnforcementConsole(configuration, "Host=127.0.0.1;Username=x", keysDirectory: null);
        var options = (ConsoleOptions)services.Single(d => d.ServiceType == typeof(ConsoleOptions)).ImplementationInstance!;
        Assert.Equal((TimeSpan.FromHours(2.5), 1048576), (options.AcknowledgeWithin, options.PhotoMaxBytes));

        configuration["Console:AcknowledgeWithin"] = "00:00:10";
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => { new ServiceCollection().AddEnforcementConsole(configuration, "Host=127.0.0.1", null); });
        Assert.Contains("Console:AcknowledgeWithin must be between 00:01:00 and 7.00:00:00", error.Message, StringComparison.Ordinal);
    }

    internal static async Task<RunningConsole.Client> SignedInAsync(RunningConsole console, string name)
    {
        var client = console.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignInAsync(name, ConsoleCity.Password)).StatusCode);
        return client;
    }

    /// <summary>Posts a workflow form with a valid token (the sign-in page's, issued to the signed-in user).</summary>
    internal static async Task<HttpResponseMessage> StepAsync(RunningConsole.Client client, long flag, string step, params (string Name, string Value)[] fields) =>
        await client.PostAsync($"/flags/{flag}/{step}", [new("__airq_token", await client.FormTokenAsync()), .. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))]);

    static async Task<HttpResponseMessage> PostFindingAsync(RunningConsole.Client client, long flag, (string, string, byte[], string) photo) =>
        await client.PostMultipartAsync($"/flags/{flag}/finding", [new("__airq_token", await client.FormTokenAsync()), new("finding", "confirmed")], photo);

    internal static void AssertRedirectTo(long flag, HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/flags/{flag}", response.Headers.Location?.OriginalString);
    }

    internal static async Task<long> UserIdAsync(NpgsqlDataSource db, string name)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<long>("SELECT user_id FROM console_users WHERE name = @name", new { name });
    }
}
