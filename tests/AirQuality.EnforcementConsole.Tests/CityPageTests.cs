using System.Globalization;
using System.Net;
using AirQuality.Tests.Support;
using Dapper;
using Xunit;

namespace AirQuality.EnforcementConsole.Tests;

/// <summary>The city page: every district's status, overdue dispatches, response times and confirmed share, checked against a computation of their own.</summary>
public sealed class CityPageTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    sealed record Case(string District, string SourceId, DateTimeOffset FlaggedAt, double? AckHours, double? FindingHours, string? Finding, bool Resolved);

    [Fact]
    public async Task Response_times_and_confirmed_share_per_district_match_an_independent_computation_and_overdue_dispatches_are_listed()
    {
        await using var db = await postgres.NewDatabaseAsync();
        var rows = await ConsoleCity.CreateAsync(db);
        await ConsoleCity.AddWorkflowUsersAsync(db);
        await using var console = await RunningConsole.StartAsync(postgres, db);
        var now = console.Time.Now;

        // Flags over 40 days in Yuzhong and Jiangbei, at random; some never acknowledged, some without finding.
        var random = new Random(23);
        var cases = new List<Case>();
        string[] findings = ["confirmed", "not_confirmed", "could_not_inspect"];
        for (var i = 0; i < 60; i++)
        {
            var yuzhong = i % 3 != 0;
            var flaggedAt = now - TimeSpan.FromHours(Math.Round(random.NextDouble() * 40 * 24, 2));
            double? ack = random.NextDouble() < 0.85 ? Math.Round(0.5 + random.NextDouble() * 10, 3) : null;
            double? finding = ack is { } a && random.NextDouble() < 0.8 ? Math.Round(a + random.NextDouble() * 48, 3) : null;
            if (finding is { } f && flaggedAt + TimeSpan.FromHours(f) > now)
            {
                finding = null; // nothing is recorded in the future
            }

            if (ack is { } k && flaggedAt + TimeSpan.FromHours(k) > now)
            {
                ack = null;
                finding = null;
            }

            cases.Add(new Case(yuzhong ? "yuzhong" : "jiangbei", yuzhong ? (i % 2 == 0 ? rows.YuzhongSource1 : rows.YuzhongSource2) : rows.JiangbeiSource,
                flaggedAt, ack, finding, finding is null ? null : findings[random.Next(3)], finding is not null && random.NextDouble() < 0.5));
        }

        await using (var connection = await db.OpenConnectionAsync())
        {
            var lead = await connection.QuerySingleAsync<long>("SELECT user_id FROM console_users WHERE name = 'yu.lead'");
            var anomaly = await connection.QuerySingleAsync<long>("SELECT min(anomaly_id) FROM source_flags");
            var rank = (short)10;
            foreach (var c in cases)
            {
                var flag = await connection.QuerySingleAsync<long>("""
                    INSERT INTO source_flags (anomaly_id, day, rank, source_id, probability, explanation, features, model_version, to_inspect, flagged_at)
                    VALUES (@anomaly, @day, @rank, @source, 0.7, 'test', '{}', 'test', true, @at) RETURNING flag_id
                    """, new { anomaly, day = ConsoleCity.Day, rank = rank++, source = c.SourceId, at = c.FlaggedAt });
                var dispatch = await connection.QuerySingleAsync<long>("""
                    INSERT INTO flag_dispatches (flag_id, source_id, team_id, flag_day, flagged_at, dispatched_by, dispatched_at, acknowledged_by, acknowledged_at, resolved_by, resolved_at)
                    VALUES (@flag, @source, 'team-yuzhong', @day, @at, @lead, @at + interval '10 minutes',
                            CASE WHEN @ack::float8 IS NOT NULL THEN @lead END, @at + @ack::float8 * interval '1 hour',
                            CASE WHEN @resolved THEN @lead END, CASE WHEN @resolved THEN @at + (@finding::float8 + 1) * interval '1 hour' END)
                    RETURNING dispatch_id
                    """, new { flag, source = c.SourceId, day = ConsoleCity.Day, at = c.FlaggedAt, lead, ack = c.AckHours, resolved = c.Resolved, finding = c.FindingHours });
                if (c.Finding is not null)
                {
                    await connection.ExecuteAsync("""
                        INSERT INTO flag_findings (dispatch_id, finding, recorded_by, recorded_at) VALUES (@dispatch, @finding, @lead, @at + @hours::float8 * interval '1 hour')
                        """, new { dispatch, finding = c.Finding, lead, at = c.FlaggedAt, hours = c.FindingHours });
                }
            }
        }

        var options = new ConsoleOptions();
        var workflow = new WorkflowStore(db, options, console.Time);
        var view = await new CityQueries(db, options, console.Time, workflow).LoadAsync(CancellationToken.None);
        Assert.Equal(9, view.Districts.Count); // every district of the shipped registry, those without flags too
        foreach (var district in new[] { "yuzhong", "jiangbei" })
        {
            var recent = cases.Where(c => c.District == district && c.FlaggedAt >= now - TimeSpan.FromDays(30)).ToList();
            var status = view.Districts.Single(d => d.DistrictId == district);
            Assert.True(recent.Count > 5 && status.Judged > 2 && status.Confirmed > 0 && recent.Count < cases.Count(c => c.District == district), "the random cases cover every figure");
            Assert.Equal(recent.Count, status.Dispatched);
            AssertClose(Percentile(recent.Select(c => c.AckHours), 0.5), status.AcknowledgeMedianHours);
            AssertClose(Percentile(recent.Select(c => c.AckHours), 0.9), status.AcknowledgeP90Hours);
            AssertClose(Percentile(recent.Select(c => c.FindingHours), 0.5), status.FindingMedianHours);
            AssertClose(Percentile(recent.Select(c => c.FindingHours), 0.9), status.FindingP90Hours);
            Assert.Equal(recent.Count(c => c.Finding == "confirmed"), status.Confirmed);
            Assert.Equal(recent.Count(c => c.Finding is "confirmed" or "not_confirmed"), status.Judged);
            var all = cases.Where(c => c.District == district).ToList();
            Assert.Equal(all.Count(c => !c.Resolved), status.OpenDispatches);
            Assert.Equal(all.Count(c => c.AckHours is null && c.FlaggedAt + TimeSpan.FromMinutes(10) < now - TimeSpan.FromHours(4)), status.OverdueDispatches);
        }

        Assert.Equal(2, view.Districts.Single(d => d.DistrictId == "yuzhong").SourcesToInspect); // ConsoleCity's day, with the flags above on it
        Assert.Equal(0, view.Districts.Single(d => d.DistrictId == "shapingba").Dispatched);
        Assert.Null(view.Districts.Single(d => d.DistrictId == "shapingba").AcknowledgeMedianHours);
        Assert.Equal(cases.Count(c => c.AckHours is null && c.FlaggedAt + TimeSpan.FromMinutes(10) < now - TimeSpan.FromHours(4)), view.Overdue.Count);
        Assert.NotEmpty(view.Overdue);
        Assert.True(view.Overdue.Zip(view.Overdue.Skip(1)).All(p => p.First.DispatchedAt <= p.Second.DispatchedAt), "longest waiting first");

        // The page: for the city supervisor and the analyst; every team role refused.
        using var city = console.NewClient();
        await city.SignInAsync("city.sup", ConsoleCity.Password);
        var html = await (await city.GetAsync("/city")).Content.ReadAsStringAsync();
        var yuzhongStatus = view.Districts.Single(d => d.DistrictId == "yuzhong");
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"<td>{yuzhongStatus.AcknowledgeMedianHours:F1}</td><td>{yuzhongStatus.AcknowledgeP90Hours:F1}</td>"), html, StringComparison.Ordinal);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"{yuzhongStatus.ConfirmedShare:P0} of {yuzhongStatus.Judged}"), html, StringComparison.Ordinal);
        Assert.Contains("<h2>Overdue dispatches</h2><ul class=\"overdue\">", html, StringComparison.Ordinal);
        using var analyst = console.NewClient();
        await analyst.SignInAsync("an.alyst", ConsoleCity.Password);
        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync("/city")).StatusCode);
        foreach (var name in new[] { "yu.lead", "yu.officer", "yu.member" })
        {
            using var teamUser = console.NewClient();
            await teamUser.SignInAsync(name, ConsoleCity.Password);
            Assert.Equal(HttpStatusCode.Forbidden, (await teamUser.GetAsync("/city")).StatusCode);
        }
    }

    /// <summary>The p-th percentile of the values present, interpolating linearly between the two nearest ranks; null without any.</summary>
    static double? Percentile(IEnumerable<double?> values, double p)
    {
        var sorted = values.OfType<double>().Order().ToList();
        if (sorted.Count == 0)
        {
            return null;
        }

        var position = p * (sorted.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Count - 1);
        return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
    }

    static void AssertClose(double? expected, double? actual)
    {
        Assert.Equal(expected is null, actual is null);
        if (expected is { } e)
        {
            Assert.Equal(e, actual!.Value, 1e-6);
        }
    }
}
