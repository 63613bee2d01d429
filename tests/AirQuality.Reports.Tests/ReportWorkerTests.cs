using AirQuality.Reports;
using AirQuality.Tests.Support;
using Xunit;

namespace AirQuality.Reports.Tests;

public sealed class ReportWorkerTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_worker_started_after_the_send_time_sends_yesterdays_reports_once_and_waits_for_tomorrow()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ReportCity.CreateAsync(db, attribution: false);
        await using var sink = await SmtpSink.StartAsync();
        var options = new ReportOptions(smtpHost: "127.0.0.1", smtpPort: sink.Port, startTls: false);
        // 07:31 the morning after the report's day, China Standard Time.
        var time = new FixedTime(ReportCity.DayStart.AddDays(1).AddHours(7).AddMinutes(31));
        var lines = new List<string>();

        async Task RunOnceAsync()
        {
            using var stop = new CancellationTokenSource();
            // The worker's summary line ends its first round; stopping there leaves it waiting for the next send time.
            var worker = new ReportWorker(db, options, new SmtpMailSender(options, null), time, line =>
            {
                lines.Add(line);
                if (line.StartsWith("Reports for", StringComparison.Ordinal))
                {
                    stop.Cancel();
                }
            });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => worker.RunAsync(stop.Token));
        }

        await RunOnceAsync();
        await RunOnceAsync(); // a restart the same morning

        Assert.Equal(2, (await sink.WaitForMessagesAsync(2)).Count);
        var summaries = lines.Where(l => l.StartsWith("Reports for", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            ["Reports for 2026-06-30: 2 sent, 0 already sent, 0 failed. Next run 2026-07-02 07:30 Asia/Shanghai.",
             "Reports for 2026-06-30: 0 sent, 2 already sent, 0 failed. Next run 2026-07-02 07:30 Asia/Shanghai."],
            summaries);
        Assert.Equal(2, sink.Messages().Count);
    }

    [Fact]
    public async Task A_worker_stops_on_a_database_error_that_will_not_pass_instead_of_failing_every_team_each_day()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await ReportCity.CreateAsync(db, attribution: false);
        await using (var connection = await db.OpenConnectionAsync())
        {
            await using var rename = new Npgsql.NpgsqlCommand("ALTER TABLE report_deliveries RENAME TO report_deliveries_gone", connection);
            await rename.ExecuteNonQueryAsync();
        }

        await using var sink = await SmtpSink.StartAsync();
        var options = new ReportOptions(smtpHost: "127.0.0.1", smtpPort: sink.Port, startTls: false);
        var time = new FixedTime(ReportCity.DayStart.AddDays(1).AddHours(7).AddMinutes(31));
        var lines = new List<string>();
        var worker = new ReportWorker(db, options, new SmtpMailSender(options, null), time, lines.Add);

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => worker.RunAsync(limit.Token));
        Assert.Equal("42P01", error.SqlState);
        Assert.False(limit.IsCancellationRequested, "The worker waited instead of stopping.");
        Assert.DoesNotContain(lines, l => l.StartsWith("Reports for", StringComparison.Ordinal));
        Assert.Empty(sink.Messages());
    }
}
