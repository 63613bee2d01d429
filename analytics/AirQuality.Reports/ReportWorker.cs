using System.Globalization;
using Npgsql;

namespace AirQuality.Reports;

/// <summary>
/// Sends every team's report for the previous day at <see cref="ReportOptions.SendAt"/> local time, until stopped.
/// On start it first sends the latest day already due, so a worker started late (or restarted) catches up; the
/// delivery log makes that harmless for teams already sent.
/// </summary>
public sealed class ReportWorker(NpgsqlDataSource dataSource, ReportOptions options, IMailSender mail, TimeProvider time, Action<string> progress)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var sender = new ReportSender(dataSource, options, mail, time, progress);
        var queries = new ReportQueries(dataSource, options.Zone);
        while (true)
        {
            var now = time.GetUtcNow();
            var day = ReportSchedule.LatestDueDay(now, options.SendAt, options.Zone);
            var results = await sender.SendAsync(await queries.TeamsAsync(cancellationToken), day, force: false, cancellationToken);
            var failed = results.Count(r => r.Outcome == DeliveryOutcome.Failed);
            var next = ReportSchedule.NextSendTime(time.GetUtcNow(), options.SendAt, options.Zone);
            progress(string.Create(CultureInfo.InvariantCulture,
                $"Reports for {day:yyyy-MM-dd}: {results.Count(r => r.Outcome == DeliveryOutcome.Sent)} sent, {results.Count(r => r.Outcome != DeliveryOutcome.Sent && r.Outcome != DeliveryOutcome.Failed)} already sent, {failed} failed{(failed > 0 ? " (each with its error in report_deliveries; they are sent only when the day is sent again)" : "")}. Next run {TimeZoneInfo.ConvertTime(next, options.Zone):yyyy-MM-dd HH:mm} {options.Zone.Id}."));
            var wait = next - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken);
            }
        }
    }
}
