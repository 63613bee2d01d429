using System.CommandLine;
using AirQuality.Storage;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AirQuality.Cli.Commands;

/// <summary><c>airq status</c>: what the ingest workers report, and where each consumer group is in each partition.</summary>
static class StatusCommand
{
    static readonly TimeSpan Gone = TimeSpan.FromSeconds(30);

    public static Command Create()
    {
        var command = new Command("status", "Show each ingest worker's counters (consumed, stored, duplicates, rejected by reason, lag, latency), the stored offsets, and the hourly sums not yet folded into sensor_hourly.");
        command.SetAction((_, ct) => AirqCommandLine.RunAsync(async token =>
        {
            using var host = await AirqHost.BuildAsync(AirqConfiguration.Load(), new Dictionary<string, string?>(), token);
            var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
            var workers = await IngestWorkerStatus.RecentAsync(dataSource, TimeSpan.FromDays(1), token);
            var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
            Console.WriteLine(workers.Count == 0 ? "No ingest worker has reported in the last 24 hours." : "Ingest workers (last 24 hours):");
            foreach (var w in workers)
            {
                var state = w.StoppedAt is { } stopped ? $"stopped {stopped:yyyy-MM-dd HH:mm:ss}Z" : now - w.UpdatedAt > Gone ? $"gone (last seen {w.UpdatedAt:HH:mm:ss}Z)" : "running";
                Console.WriteLine($"  {w.WorkerId} (group {w.ConsumerGroup}), {state}, started {w.StartedAt:yyyy-MM-dd HH:mm:ss}Z");
                Console.WriteLine($"    consumed {w.Records:N0} records in {w.Messages:N0} messages; stored {w.StoredReadings:N0} readings, {w.StoredTelemetry:N0} telemetry; duplicates {w.Duplicates:N0}");
                Console.WriteLine($"    rejected {w.Rejected}; lag {(w.LagMessages is { } lag ? lag.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "?")} messages; " +
                    $"waited for the database {w.PausedMs / 1000.0:0.0} s; last batch {w.LastBatchMs} ms; latency p50 {w.LatencyP50Ms?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} ms, p99 {w.LatencyP99Ms?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} ms");
            }

            await using var connection = await dataSource.OpenConnectionAsync(token);
            var offsets = (await connection.QueryAsync<(string ConsumerGroup, string Topic, int KafkaPartition, long NextOffset, DateTime UpdatedAt, int Resets, DateTime? LastResetAt, long? LastResetFrom)>(new CommandDefinition(
                "SELECT consumer_group, topic, kafka_partition, next_offset, updated_at, resets, last_reset_at, last_reset_from FROM ingest_offsets ORDER BY 1, 2, 3", cancellationToken: token))).ToList();
            Console.WriteLine(offsets.Count == 0 ? "No offsets stored yet." : "Stored offsets (next message to consume):");
            foreach (var group in offsets.GroupBy(o => (o.ConsumerGroup, o.Topic)))
            {
                Console.WriteLine($"  {group.Key.ConsumerGroup} {group.Key.Topic}: " +
                    string.Join(", ", group.Select(o => $"[{o.KafkaPartition}] {o.NextOffset:N0}")) + $" (updated {group.Max(o => o.UpdatedAt):yyyy-MM-dd HH:mm:ss}Z)");
            }

            // A reset means the topic was re-created or the broker restarted under a running pipeline: worth a look every time.
            foreach (var o in offsets.Where(o => o.Resets > 0))
            {
                Console.WriteLine($"  OFFSET RESET {o.Resets:N0} time(s): {o.ConsumerGroup} {o.Topic}[{o.KafkaPartition}], last at {o.LastResetAt:yyyy-MM-dd HH:mm:ss}Z from stored offset {o.LastResetFrom:N0} " +
                    "(beyond the partition's end: the topic was re-created or the broker restarted; it was read again from its start)");
            }

            // Staged sums that stay, or grow, from one status to the next mean folds are failing (the workers log why).
            var staged = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM sensor_hourly_pending", cancellationToken: token));
            Console.WriteLine(staged == 0
                ? "Hourly sums: all folded into sensor_hourly."
                : $"Hourly sums: {staged:N0} rows staged, not yet folded into sensor_hourly (workers fold every Ingest:FoldInterval; airq aggregate folds them too).");
            return 0;
        }, ct));
        return command;
    }
}
