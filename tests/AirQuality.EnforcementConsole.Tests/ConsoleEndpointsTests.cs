using System.Net;
using AirQuality.Tests.Support;
using Xunit;

namespace AirQuality.EnforcementConsole.Tests;

/// <summary>The console over HTTP on Kestrel: sign-in, lockout, anti-forgery, who sees what, and the headers.</summary>
public sealed class ConsoleEndpointsTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Sign_in_succeeds_with_the_right_password_and_fails_with_a_wrong_one()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ConsoleCity.CreateAsync(db);
        await using var console = await RunningConsole.StartAsync(postgres, db);
        using var wrong = console.NewClient();
        var refused = await wrong.SignInAsync("yu.member", "not the password");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("Wrong name or password.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await wrong.GetAsync("/teams/team-yuzhong/today")).StatusCode); // still signed out: sent to /signin

        using var right = console.NewClient();
        var signedIn = await right.SignInAsync("yu.member", ConsoleCity.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var session = right.Cookies.GetCookies(console.Address)["airq.session"];
        Assert.NotNull(session);
        Assert.True(session.HttpOnly);
        Assert.Contains("samesite=strict", signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("airq.session=", StringComparison.Ordinal)), StringComparison.OrdinalIgnoreCase);
        var home = await right.GetAsync("/");
        Assert.Equal("/teams/team-yuzhong/today", home.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await right.GetAsync("/teams/team-yuzhong/today")).StatusCode);
    }

    [Fact]
    public async Task Five_failures_lock_the_account_for_15_minutes_even_against_the_right_password()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ConsoleCity.CreateAsync(db);
        await using var console = await RunningConsole.StartAsync(postgres, db);
        using var client = console.NewClient();
        for (var i = 0; i < 4; i++)
        {
            Assert.Contains("Wrong name or password.", await (await client.SignInAsync("yu.member", "wrong " + i)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var fifth = await (await client.SignInAsync("yu.member", "wrong 5")).Content.ReadAsStringAsync();
        Assert.Contains("locked for 15 more minutes", fifth, StringComparison.Ordinal);
        var rightButLocked = await client.SignInAsync("yu.member", ConsoleCity.Password);
        Assert.Equal(HttpStatusCode.Unauthorized, rightButLocked.StatusCode);
        Assert.Contains("locked", await rightButLocked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Another user is not affected.
        using var other = console.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await other.SignInAsync("jb.member", ConsoleCity.Password)).StatusCode);

        console.Time.Now += TimeSpan.FromMinutes(14);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SignInAsync("yu.member", ConsoleCity.Password)).StatusCode);
        console.Time.Now += TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1);
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignInAsync("yu.member", ConsoleCity.Password)).StatusCode);
    }

    [Fact]
    public async Task A_post_without_the_anti_forgery_token_is_refused()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ConsoleCity.CreateAsync(db);
        await using var console = await RunningConsole.StartAsync(postgres, db);
        using var client = console.NewClient();
        await client.FormTokenAsync(); // the cookie half is in the jar; the form half is left out
        var signIn = await client.PostAsync("/signin", [new("name", "yu.member"), new("password", ConsoleCity.Password)]);
        Assert.Equal(HttpStatusCode.BadRequest, signIn.StatusCode);
        Assert.Null(client.Cookies.GetCookies(console.Address)["airq.session"]);
        var forged = await client.PostAsync("/signin", [new("__airq_token", "forged"), new("name", "yu.member"), new("password", ConsoleCity.Password)]);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await client.SignInAsync("yu.member", ConsoleCity.Password)).StatusCode);
        var signOut = await client.PostAsync("/signout", []);
        Assert.Equal(HttpStatusCode.BadRequest, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/teams/team-yuzhong/today")).StatusCode); // still signed in
    }

    [Fact]
    public async Task A_district_member_asking_for_another_teams_page_is_refused_and_a_city_supervisor_sees_every_team()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ConsoleCity.CreateAsync(db);
        await using var console = await RunningConsole.StartAsync(postgres, db);
        using var member = console.NewClient();
        await member.SignInAsync("yu.member", ConsoleCity.Password);
        // Every URL that takes a team id: another team's, an unknown one, odd spellings of one's own.
        foreach (var team in new[] { "team-jiangbei", "no-such-team", "TEAM-YUZHONG", "team-yuzhong%20", "..%2Fteam-jiangbei" })
        {
            var response = await member.GetAsync($"/teams/{team}/today");
            Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"{team}: {response.StatusCode}");
            Assert.DoesNotContain("jiangbei-only explanation", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var supervisor = console.NewClient();
        await supervisor.SignInAsync("city.sup", ConsoleCity.Password);
        Assert.Contains("/teams/team-jiangbei/today", await (await supervisor.GetAsync("/")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("jiangbei-only explanation", await (await supervisor.GetAsync("/teams/team-jiangbei/today")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await supervisor.GetAsync("/teams/no-such-team/today")).StatusCode);
    }

    [Fact]
    public async Task Every_response_carries_the_security_headers()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ConsoleCity.CreateAsync(db);
        await using var console = await RunningConsole.StartAsync(postgres, db);
        using var client = console.NewClient();
        var signInPage = await client.GetAsync("/signin");
        await client.SignInAsync("yu.member", ConsoleCity.Password);
        foreach (var response in new[] { signInPage, await client.GetAsync("/teams/team-yuzhong/today"), await client.GetAsync("/teams/team-jiangbei/today"), await client.GetAsync("/health/live") })
        {
            var csp = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("script-src", csp, StringComparison.Ordinal); // no script at all: default-src 'none' covers it
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            // The server's own time for the response, which airq bench console reads.
            Assert.Matches(@"^app;dur=\d+\.\d\d$", response.Headers.GetValues("Server-Timing").Single());
        }

        Assert.DoesNotContain("<script", await (await client.GetAsync("/teams/team-yuzhong/today")).Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_health_endpoints_answer_and_ready_checks_the_database_through_the_console_role()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await using var console = await RunningConsole.StartAsync(postgres, db);
        using var client = console.NewClient();
        Assert.Equal("live\n", await (await client.GetAsync("/health/live")).Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        await using var wrongRole = await RunningConsole.StartAsync(postgres, db, new ConsoleOptions { DatabaseRole = "airq_ingest" });
        using var client2 = wrongRole.NewClient();
        var notReady = await client2.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Contains("permission denied", await notReady.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
