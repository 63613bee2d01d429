using System.Text.Json;
using AirQuality.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AirQuality.Ingest;

/// <summary>Writes a worker's counters to <c>ingest_workers</c> every few seconds and once more when it stops, for <c>airq status</c>.</summary>
public sealed class IngestStatusReporter(NpgsqlDataSource dataSource, IngestCounters counters, string consumerGroup, ILogger logger, TimeProvider time)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    readonly string _workerId = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
    readonly DateTime _startedAt = time.GetUtcNow().UtcDateTime;

    /// <summary>Reports until cancelled, then a final report with the stop time. A failed report (database down) is skipped.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                await ReportAsync(stopped: false, cancellationToken);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        await ReportAsync(stopped: true, CancellationToken.None);
    }

    async Task ReportAsync(bool stopped, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var status = new IngestWorkerStatus(_workerId, Environment.MachineName, Environment.ProcessId, consumerGroup, _startedAt, now, stopped ? now : null,
            counters.Messages, counters.Records, counters.StoredReadings, counters.StoredTelemetry, counters.Duplicates,
            JsonSerializer.Serialize(counters.RejectedByReason), counters.Lag < 0 ? null : counters.Lag, counters.PausedMillis, counters.LastBatchMillis,
            counters.Latency.Percentile(0.5), counters.Latency.Percentile(0.99));
        try
        {
            await IngestWorkerStatus.SaveAsync(dataSource, status, cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            logger.LogDebug("Status not reported (the database is unreachable): {Message}", e.Message);
        }
    }
}
