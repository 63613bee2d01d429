using System.Diagnostics;
using AirQuality.Contracts;
using AirQuality.Ingest.Kafka;
using AirQuality.Ingest.Validation;
using AirQuality.Storage;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AirQuality.Ingest;

/// <summary>
/// Settles a batch, in this order: validates its messages; delivers the dead letters; stores the good records
/// together with the partitions' next offsets in one database transaction; then hands the offsets to Kafka.
/// The one place that retries: a transient database or dead-letter failure is retried with backoff for as long
/// as it lasts, holding the batch, so no offset is recorded for what is not stored or dead-lettered.
/// </summary>
sealed class BatchCommitter(
    string consumerGroup,
    NpgsqlDataSource dataSource,
    MessageValidator validator,
    IngestOptions options,
    IngestCounters counters,
    ILogger logger,
    TimeProvider time,
    TimeSeriesWriter writer)
{
    /// <summary>How much of a message too large for the dead-letter topic is kept.</summary>
    const int TruncatedBytes = 64 * 1024;

    public async Task CommitAsync(IngestBatch batch, IConsumer<byte[], byte[]> consumer, IProducer<byte[], byte[]> producer, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        batch.Validate(validator, counters);
        await DeliverDeadLettersAsync(batch, producer, cancellationToken);
        var (readings, telemetry) = await WriteWithRetryAsync(batch, cancellationToken);
        // Kafka's copy of the offsets, for lag monitoring and tools: stored now (non-blocking; a blocking commit from
        // this thread can stall while the consume thread is itself waiting on this one) and sent by librdkafka's
        // auto-commit, which commits only stored offsets. The database already holds them with the rows.
        foreach (var (partition, next) in batch.Offsets)
        {
            try
            {
                consumer.StoreOffset(new TopicPartitionOffset(partition, next));
            }
            catch (KafkaException e)
            {
                logger.LogDebug("Kafka offset for {Partition} not stored ({Reason}); ingest_offsets has it.", partition, e.Error.Reason);
            }
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var message in batch.Messages)
        {
            if (message.Message.Timestamp.Type != TimestampType.NotAvailable)
            {
                counters.Latency.Record(now - message.Message.Timestamp.UnixTimestampMs);
            }
        }

        counters.BatchCommitted(readings.Stored, telemetry.Stored, readings.Duplicates + telemetry.Duplicates, batch.Rejections.Select(r => r.Rejection.Reason), watch.Elapsed);
    }

    async Task<(WriteResult Readings, WriteResult Telemetry)> WriteWithRetryAsync(IngestBatch batch, CancellationToken cancellationToken)
    {
        var offsets = batch.Offsets.Select(p => new PartitionOffset(p.Key.Topic, p.Key.Partition.Value, p.Value.Value)).ToList();
        var backoff = new Backoff(options);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                var result = await writer.WriteAsync(connection, batch.Readings, batch.Telemetry, cancellationToken, consumerGroup, offsets);
                if (attempt > 1)
                {
                    logger.LogInformation("Database write succeeded after {Attempts} attempts; resuming.", attempt);
                }

                return result;
            }
            catch (Exception e) when (IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                var delay = backoff.Next();
                logger.LogWarning("Database write failed (attempt {Attempt}; {Count} records held, nothing committed, consumption paused): {Message}. Retrying in {Delay}.",
                    attempt, batch.Readings.Count + batch.Telemetry.Count, e.Message, delay);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    async Task DeliverDeadLettersAsync(IngestBatch batch, IProducer<byte[], byte[]> producer, CancellationToken cancellationToken)
    {
        var pending = batch.Rejections.Select(r => DeadLetter(r.Source, r.Rejection)).ToList();
        var backoff = new Backoff(options);
        while (pending.Count > 0)
        {
            var failed = new System.Collections.Concurrent.ConcurrentQueue<(Message<byte[], byte[]> Message, Error Error)>();
            foreach (var message in pending)
            {
                void OnDelivery(DeliveryReport<byte[], byte[]> report)
                {
                    if (report.Error.IsError)
                    {
                        failed.Enqueue((report.Message, report.Error));
                    }
                }

                try
                {
                    producer.ProduceWaitingForRoom(Topics.DeadLetter, message, OnDelivery);
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.MsgSizeTooLarge)
                {
                    producer.ProduceWaitingForRoom(Topics.DeadLetter, Truncated(message), OnDelivery);
                }
            }

            while (producer.Flush(TimeSpan.FromSeconds(10)) > 0)
            {
                logger.LogWarning("Waiting for the dead-letter topic to acknowledge messages.");
            }

            if (failed.IsEmpty)
            {
                return;
            }

            var delay = backoff.Next();
            logger.LogWarning("{Count} dead letters were not delivered ({Reason}); retrying in {Delay}. Offsets stay uncommitted.", failed.Count, failed.First().Error.Reason, delay);
            await Task.Delay(delay, time, cancellationToken);
            pending = failed.Select(f => f.Error.Code is ErrorCode.MsgSizeTooLarge or ErrorCode.InvalidMsgSize ? Truncated(f.Message) : f.Message).ToList();
        }
    }

    static bool IsTransient(Exception e) => e switch
    {
        NpgsqlException { IsTransient: true } => true,
        // Connection refused or reset while the server restarts.
        NpgsqlException { InnerException: System.Net.Sockets.SocketException or IOException } => true,
        PostgresException p => p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState is "57P01" or "57P02" or "57P03" or "53300",
        _ => false,
    };

    static Message<byte[], byte[]> DeadLetter(ConsumeResult<byte[], byte[]> source, Rejection rejection)
    {
        static byte[] Utf8(string s) => System.Text.Encoding.UTF8.GetBytes(s);
        static string Number(long n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Headers
        {
            { "airq-reason", Utf8(rejection.Reason) },
            { "airq-detail", Utf8(rejection.Detail.Length > 1000 ? rejection.Detail[..1000] : rejection.Detail) },
            { "airq-source-topic", Utf8(source.Topic) },
            { "airq-source-partition", Utf8(Number(source.Partition.Value)) },
            { "airq-source-offset", Utf8(Number(source.Offset.Value)) },
        };
        if (rejection.BatchIndex is { } index)
        {
            headers.Add("airq-batch-index", Utf8(Number(index)));
        }

        return new Message<byte[], byte[]> { Key = source.Message.Key, Value = rejection.Payload.ToArray(), Headers = headers };
    }

    static Message<byte[], byte[]> Truncated(Message<byte[], byte[]> message)
    {
        // The dead-letter topic takes smaller messages than the source did: keep the head of the value and say so.
        var headers = new Headers();
        foreach (var h in message.Headers)
        {
            headers.Add(h.Key, h.GetValueBytes());
        }

        headers.Add("airq-original-bytes", System.Text.Encoding.UTF8.GetBytes(message.Value.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return new Message<byte[], byte[]> { Key = message.Key, Value = message.Value.AsSpan(0, Math.Min(message.Value.Length, TruncatedBytes)).ToArray(), Headers = headers };
    }
}
