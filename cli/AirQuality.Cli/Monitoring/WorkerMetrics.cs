using AirQuality.Ingest;
using AirQuality.Ingest.Validation;
using Npgsql;

namespace AirQuality.Cli.Monitoring;

/// <summary>The pipeline's counters as Prometheus metrics, and the readiness checks the workers share.</summary>
static class WorkerMetrics
{
    /// <summary>When this process started, for <c>airq_process_start_time_seconds</c>.</summary>
    static readonly double StartedAt = new DateTimeOffset(System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0;

    /// <summary>The process's own facts, first in every scrape.</summary>
    public static void Process(PrometheusText text) =>
        text.Gauge("airq_process_start_time_seconds", "When this worker process started, Unix time in seconds.", StartedAt);

    /// <summary>The ingest worker's counters (see docs/configuration.md, "Health and metrics", for each name).</summary>
    public static void Ingest(PrometheusText text, IngestCounters c)
    {
        Process(text);
        text.Gauge("airq_ingest_up", "1 while the ingest worker is subscribed and consuming, else 0.", c.Consuming ? 1 : 0);
        text.Counter("airq_ingest_consumed_messages_total", "Kafka messages consumed.", c.Messages);
        text.Counter("airq_ingest_consumed_total", "Records consumed (readings and telemetry records; a batch message holds several).", c.Records);
        text.Family("airq_ingest_stored_total", "counter", "Records stored in the database, by kind.")
            .Sample("airq_ingest_stored_total", c.StoredReadings, ("kind", "reading"))
            .Sample("airq_ingest_stored_total", c.StoredTelemetry, ("kind", "telemetry"));
        text.Counter("airq_ingest_duplicates_total", "Records already stored (same id and time), not stored again.", c.Duplicates);
        var rejected = c.RejectedByReason;
        text.Family("airq_ingest_rejected_total", "counter", "Records dead-lettered, by reason code (docs/messages.md).");
        foreach (var reason in RejectReason.All.Union(rejected.Keys, StringComparer.Ordinal))
        {
            text.Sample("airq_ingest_rejected_total", rejected.GetValueOrDefault(reason), ("reason", reason));
        }

        text.Counter("airq_ingest_expired_messages_total", "Messages the broker no longer had when the worker got to them (lost to retention).", c.ExpiredMessages);
        text.Counter("airq_ingest_offset_resets_total", "Partitions whose stored offset was beyond the broker's end (topic re-created, broker restarted) and were read again from their start.", c.OffsetResets);
        text.Counter("airq_ingest_batches_total", "Batches committed.", c.Batches);
        text.Gauge("airq_ingest_last_batch_duration_seconds", "How long the last batch took to validate, dead-letter and commit.", c.LastBatchMillis / 1000.0);
        text.Counter("airq_ingest_paused_seconds_total", "Time consumption waited for the database writer (backpressure).", c.PausedMillis / 1000.0);
        text.Gauge("airq_ingest_assigned_partitions", "Kafka partitions assigned to this worker.", c.AssignedPartitions);
        if (c.Lag >= 0)
        {
            text.Gauge("airq_ingest_consumer_lag", "Messages in this worker's partitions not consumed yet, as of the last check (every 2 s).", c.Lag);
        }

        var latency = c.Latency;
        text.Family("airq_ingest_latency_seconds", "summary", "Produce-to-commit latency of each message: its Kafka timestamp to the commit that stored it.");
        foreach (var q in new[] { 0.5, 0.9, 0.99 })
        {
            text.Sample("airq_ingest_latency_seconds", latency.Percentile(q) is { } ms ? ms / 1000.0 : double.NaN, ("quantile", q.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        text.Sample("airq_ingest_latency_seconds_sum", latency.SumMillis / 1000.0);
        text.Sample("airq_ingest_latency_seconds_count", latency.Count);
    }

    /// <summary>
    /// The analytics stage's state, read from the database so it holds whichever process did the work: the last
    /// aggregation run (<c>aggregation_runs</c>) and the hours still waiting for one (<c>aggregation_dirty_hours</c>).
    /// </summary>
    public static async Task Analytics(PrometheusText text, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        Process(text);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT (SELECT extract(epoch FROM max(finished_at))::float8 FROM aggregation_runs),
                   (SELECT count(*) FROM aggregation_runs),
                   (SELECT count(*) FROM aggregation_dirty_hours),
                   (SELECT extract(epoch FROM max(detected_at))::float8 FROM anomalies),
                   (SELECT extract(epoch FROM max(attributed_at))::float8 FROM episode_attributions),
                   (SELECT extract(epoch FROM max(sent_at))::float8 FROM report_deliveries WHERE status = 'sent'),
                   (SELECT count(*) FROM report_deliveries WHERE status = 'failed')
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        if (!reader.IsDBNull(0))
        {
            text.Gauge("airq_aggregation_last_run_timestamp_seconds", "When the last aggregation run finished, Unix time in seconds (any process).", reader.GetDouble(0));
        }

        text.Counter("airq_aggregation_runs_total", "Aggregation runs recorded in aggregation_runs (any process).", reader.GetInt64(1));
        text.Gauge("airq_aggregation_pending_hours", "UTC hours with readings not yet reflected in the daily tables.", reader.GetInt64(2));
        foreach (var (column, name, help) in new[]
        {
            (3, "airq_anomalies_last_detected_timestamp_seconds", "When anomalies were last detected, Unix time in seconds (any process)."),
            (4, "airq_attribution_last_run_timestamp_seconds", "When episodes were last attributed to sources, Unix time in seconds (any process)."),
            (5, "airq_report_last_sent_timestamp_seconds", "When a daily report was last accepted by the SMTP server, Unix time in seconds (any process)."),
        })
        {
            if (!reader.IsDBNull(column))
            {
                text.Gauge(name, help, reader.GetDouble(column));
            }
        }

        text.Gauge("airq_report_failed_deliveries", "Daily reports whose every attempt failed (report_deliveries.status = 'failed').", reader.GetInt64(6));
    }

    /// <summary>Null when a connection opens and answers within the token's time, else why not.</summary>
    public static async Task<string?> DatabaseNotReadyAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return null;
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            return $"database unreachable ({e.Message})";
        }
    }
}
