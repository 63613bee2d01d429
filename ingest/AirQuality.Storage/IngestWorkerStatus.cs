using Dapper;
using Npgsql;

namespace AirQuality.Storage;

/// <summary>One ingest worker's counters as last reported (a row of <c>ingest_workers</c>).</summary>
public sealed record IngestWorkerStatus(
    string WorkerId, string Host, int Pid, string ConsumerGroup, DateTime StartedAt, DateTime UpdatedAt, DateTime? StoppedAt,
    long Messages, long Records, long StoredReadings, long StoredTelemetry, long Duplicates, string Rejected,
    long? LagMessages, long PausedMs, long LastBatchMs, long? LatencyP50Ms, long? LatencyP99Ms)
{
    public static Task SaveAsync(NpgsqlDataSource dataSource, IngestWorkerStatus s, CancellationToken cancellationToken) =>
        Execute(dataSource, """
            INSERT INTO ingest_workers AS w (worker_id, host, pid, consumer_group, started_at, updated_at, stopped_at, messages, records, stored_readings,
                stored_telemetry, duplicates, rejected, lag_messages, paused_ms, last_batch_ms, latency_p50_ms, latency_p99_ms)
            VALUES (@WorkerId, @Host, @Pid, @ConsumerGroup, @StartedAt, @UpdatedAt, @StoppedAt, @Messages, @Records, @StoredReadings,
                @StoredTelemetry, @Duplicates, @Rejected::jsonb, @LagMessages, @PausedMs, @LastBatchMs, @LatencyP50Ms, @LatencyP99Ms)
            ON CONFLICT (worker_id) DO UPDATE SET updated_at = excluded.updated_at, stopped_at = excluded.stopped_at, messages = excluded.messages,
                records = excluded.records, stored_readings = excluded.stored_readings, stored_telemetry = excluded.stored_telemetry,
                duplicates = excluded.duplicates, rejected = excluded.rejected, lag_messages = excluded.lag_messages, paused_ms = excluded.paused_ms,
                last_batch_ms = excluded.last_batch_ms, latency_p50_ms = excluded.latency_p50_ms, latency_p99_ms = excluded.latency_p99_ms
            """, s, cancellationToken);

    /// <summary>Workers reported within <paramref name="since"/>, newest first.</summary>
    public static async Task<IReadOnlyList<IngestWorkerStatus>> RecentAsync(NpgsqlDataSource dataSource, TimeSpan since, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<IngestWorkerStatus>(new CommandDefinition("""
            SELECT worker_id, host, pid, consumer_group, started_at, updated_at, stopped_at, messages, records, stored_readings, stored_telemetry,
                   duplicates, rejected::text AS rejected, lag_messages, paused_ms, last_batch_ms, latency_p50_ms, latency_p99_ms
            FROM ingest_workers WHERE updated_at > now() - @since ORDER BY started_at DESC
            """, new { since }, cancellationToken: cancellationToken))).AsList();
    }

    static async Task Execute(NpgsqlDataSource dataSource, string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }
}
