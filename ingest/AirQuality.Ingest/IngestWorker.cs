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
/// Consumes <see cref="Topics.SensorReadings"/>, validates each message, stores good readings with binary COPY and
/// dead-letters the rest, committing Kafka offsets only after the database transaction has committed.
/// </summary>
/// <remarks>
/// One worker per process; run several processes in the same consumer group to scale. Delivery is at least once
/// from Kafka and exactly once in effect in the database, because rows are keyed by (sensor_id, observed_at):
/// a replay after a crash finds its rows present and counts them as duplicates. A dead letter may be repeated
/// after a crash between its delivery and the offset commit. The loop runs on its own thread because
/// <c>Consume</c> blocks.
/// </remarks>
public sealed class IngestWorker(
    string bootstrapServers,
    KafkaOptions kafkaOptions,
    IngestOptions options,
    NpgsqlDataSource dataSource,
    ReadingValidator validator,
    IngestCounters counters,
    ILogger logger,
    TimeProvider time)
{
    /// <summary>How much of a message too large for the dead-letter topic is kept.</summary>
    const int TruncatedBytes = 64 * 1024;

    readonly ReadingWriter _writer = new();
    readonly List<SensorReading> _readings = [];
    readonly List<(ConsumeResult<string, byte[]> Source, Rejection Rejection)> _rejections = [];
    readonly Dictionary<TopicPartition, Offset> _offsets = [];
    long _batchStarted;

    /// <summary>Consumes until <paramref name="cancellationToken"/> is cancelled, then flushes, commits and leaves the group.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() => Run(cancellationToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    void Run(CancellationToken cancellationToken)
    {
        options.Validate();
        var producerConfig = KafkaClients.Producer(bootstrapServers, kafkaOptions);
        // A dead letter carries the rejected message unchanged, so it may be as large as anything consumed.
        producerConfig.MessageMaxBytes = 100_000_000;
        using var producer = new ProducerBuilder<string, byte[]>(producerConfig).Build();
        using var consumer = new ConsumerBuilder<string, byte[]>(KafkaClients.Consumer(bootstrapServers, kafkaOptions))
            .SetPartitionsRevokedHandler((c, revoked) =>
            {
                // Whatever was consumed from a partition must be stored and committed before another worker takes it over.
                Flush(c, producer, CancellationToken.None);
            })
            .SetErrorHandler((_, e) => logger.LogWarning("Kafka: {Reason}", e.Reason))
            .Build();
        consumer.Subscribe(Topics.SensorReadings);
        logger.LogInformation("Ingest worker consuming {Topic} from {Bootstrap} as group {Group}.", Topics.SensorReadings, bootstrapServers, kafkaOptions.GroupId);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                ConsumeResult<string, byte[]>? result;
                try
                {
                    result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                }
                catch (ConsumeException e) when (!e.Error.IsFatal)
                {
                    logger.LogWarning("Kafka consume error, continuing: {Reason}", e.Error.Reason);
                    continue;
                }

                if (result is { Message: not null })
                {
                    Accept(result);
                }

                var lingered = _batchStarted != 0 && time.GetElapsedTime(_batchStarted) >= options.Linger;
                if (_readings.Count + _rejections.Count >= options.BatchSize || lingered)
                {
                    Flush(consumer, producer, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            try
            {
                Flush(consumer, producer, CancellationToken.None);
            }
            finally
            {
                consumer.Close();
            }
        }
    }

    void Accept(ConsumeResult<string, byte[]> result)
    {
        var validation = validator.Validate(result.Message.Value ?? []);
        counters.Consumed(validation.ReadingCount);
        _readings.AddRange(validation.Readings);
        foreach (var rejection in validation.Rejections)
        {
            _rejections.Add((result, rejection));
        }

        _offsets[result.TopicPartition] = result.Offset + 1;
        if (_batchStarted == 0)
        {
            _batchStarted = time.GetTimestamp();
        }
    }

    void Flush(IConsumer<string, byte[]> consumer, IProducer<string, byte[]> producer, CancellationToken cancellationToken)
    {
        if (_offsets.Count == 0)
        {
            return;
        }

        var watch = Stopwatch.StartNew();
        var written = WriteWithRetry(cancellationToken);
        DeliverDeadLetters(producer, cancellationToken);
        consumer.Commit(_offsets.Select(p => new TopicPartitionOffset(p.Key, p.Value)));
        counters.BatchCommitted(written.Stored, written.Duplicates, _rejections.Select(r => r.Rejection.Reason), watch.Elapsed);
        _readings.Clear();
        _rejections.Clear();
        _offsets.Clear();
        _batchStarted = 0;
    }

    void DeliverDeadLetters(IProducer<string, byte[]> producer, CancellationToken cancellationToken)
    {
        // Offsets are committed only when every dead letter of the batch is acknowledged, so a rejected
        // message is never lost; a failed delivery is retried with backoff, like a failed database write.
        var pending = _rejections.Select(r => DeadLetter(r.Source, r.Rejection)).ToList();
        var delay = options.RetryDelay;
        while (pending.Count > 0)
        {
            var failed = new System.Collections.Concurrent.ConcurrentQueue<(Message<string, byte[]> Message, Error Error)>();
            foreach (var message in pending)
            {
                void OnDelivery(DeliveryReport<string, byte[]> report)
                {
                    if (report.Error.IsError)
                    {
                        failed.Enqueue((report.Message, report.Error));
                    }
                }

                try
                {
                    producer.Produce(Topics.DeadLetter, message, OnDelivery);
                }
                catch (ProduceException<string, byte[]> e) when (e.Error.Code == ErrorCode.MsgSizeTooLarge)
                {
                    producer.Produce(Topics.DeadLetter, Truncated(message), OnDelivery);
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

            var first = failed.First().Error;
            logger.LogWarning("{Count} dead letters were not delivered ({Reason}); retrying in {Delay}. Offsets stay uncommitted.", failed.Count, first.Reason, delay);
            cancellationToken.WaitHandle.WaitOne(delay);
            cancellationToken.ThrowIfCancellationRequested();
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxRetryDelay.Ticks));
            pending = failed.Select(f => f.Error.Code is ErrorCode.MsgSizeTooLarge or ErrorCode.InvalidMsgSize ? Truncated(f.Message) : f.Message).ToList();
        }
    }

    static Message<string, byte[]> Truncated(Message<string, byte[]> message)
    {
        // The dead-letter topic takes smaller messages than the source did: keep the head of the value and say so.
        var headers = new Headers();
        foreach (var h in message.Headers)
        {
            headers.Add(h.Key, h.GetValueBytes());
        }

        headers.Add("airq-original-bytes", System.Text.Encoding.UTF8.GetBytes(message.Value.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return new Message<string, byte[]> { Key = message.Key, Value = message.Value.AsSpan(0, Math.Min(message.Value.Length, TruncatedBytes)).ToArray(), Headers = headers };
    }

    WriteResult WriteWithRetry(CancellationToken cancellationToken)
    {
        var delay = options.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var connection = dataSource.OpenConnection();
                return _writer.WriteAsync(connection, _readings, cancellationToken).GetAwaiter().GetResult();
            }
            catch (Exception e) when (IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Database write failed (attempt {Attempt}, {Count} readings held, nothing committed): {Message}. Retrying in {Delay}.",
                    attempt, _readings.Count, e.Message, delay);
                cancellationToken.WaitHandle.WaitOne(delay);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxRetryDelay.Ticks));
            }
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

    static Message<string, byte[]> DeadLetter(ConsumeResult<string, byte[]> source, Rejection rejection)
    {
        var headers = new Headers
        {
            { "airq-reason", System.Text.Encoding.UTF8.GetBytes(rejection.Reason) },
            { "airq-detail", System.Text.Encoding.UTF8.GetBytes(rejection.Detail.Length > 1000 ? rejection.Detail[..1000] : rejection.Detail) },
            { "airq-source-topic", System.Text.Encoding.UTF8.GetBytes(source.Topic) },
            { "airq-source-partition", System.Text.Encoding.UTF8.GetBytes(source.Partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)) },
            { "airq-source-offset", System.Text.Encoding.UTF8.GetBytes(source.Offset.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)) },
        };
        if (rejection.BatchIndex is { } index)
        {
            headers.Add("airq-batch-index", System.Text.Encoding.UTF8.GetBytes(index.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return new Message<string, byte[]> { Key = source.Message.Key, Value = rejection.Payload.ToArray(), Headers = headers };
    }
}
