using AirQuality.Contracts;
using AirQuality.Ingest.Kafka;
using AirQuality.Ingest.Validation;
using AirQuality.Storage;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AirQuality.Ingest;

/// <summary>
/// Consumes <see cref="Topics.SensorReadings"/> and <see cref="Topics.SourceTelemetry"/>, validates each message,
/// stores good records with binary COPY and dead-letters the rest, committing Kafka offsets only after the
/// database transaction has committed. The database also keeps each partition's next offset, written with the
/// rows, and an assigned partition starts there: so neither a crash nor a rebalance re-reads what is stored.
/// </summary>
/// <remarks>
/// One worker per process; run several processes in one consumer group to scale. Delivery is at least once
/// from Kafka and exactly once in effect in the database, because rows are keyed by id and timestamp: a replay
/// finds its rows present and counts them as duplicates. A dead letter may be repeated after a crash between
/// its delivery and the offset commit.
/// Stages overlap: this thread consumes (Consume blocks, so it has a thread of its own) while
/// <see cref="IngestOptions.Writers"/> writer lanes, each with a share of the assigned partitions and its own connection,
/// validate and write earlier batches. The bounded queue in front of each lane is the backpressure: when the database
/// is slow or down, a lane holds its batch and retries, its queue fills, and consumption pauses until writes succeed again.
/// </remarks>
public sealed class IngestWorker(
    string bootstrapServers,
    KafkaOptions kafkaOptions,
    IngestOptions options,
    NpgsqlDataSource dataSource,
    MessageValidator validator,
    IngestCounters counters,
    ILogger logger,
    TimeProvider time,
    IReadingsRollup? rollup = null)
{
    static readonly TimeSpan LagInterval = TimeSpan.FromSeconds(2);

    WriterLane[] _lanes = [];
    RollupFolder? _folder;

    /// <summary>Consumes until <paramref name="cancellationToken"/> is cancelled, then flushes, commits and leaves the group.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() => Run(cancellationToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    void Run(CancellationToken cancellationToken)
    {
        options.Validate();
        var producerConfig = KafkaClients.Producer(bootstrapServers, kafkaOptions);
        // A dead letter carries the rejected message unchanged, so it may be as large as anything consumed.
        producerConfig.MessageMaxBytes = 100_000_000;
        using var producer = new ProducerBuilder<byte[], byte[]>(producerConfig).Build();
        var consumerConfig = KafkaClients.Consumer(bootstrapServers, kafkaOptions);
        // Gateways' headers are not read (a dead letter gets headers of its own): not copied out of librdkafka for every message.
        consumerConfig.ConsumeResultFields = "topic,timestamp";
        using var consumer = new ConsumerBuilder<byte[], byte[]>(consumerConfig)
            // A partition starts where the database says this group got to, not where Kafka's commit says.
            .SetPartitionsAssignedHandler((c, partitions) => StartingOffsets(c, partitions, cancellationToken))
            // Whatever was consumed from a partition must be stored before another worker takes it over.
            .SetPartitionsRevokedHandler((_, _) =>
            {
                Drain();
                counters.Assigned(0);
            })
            .SetErrorHandler((_, e) => logger.LogWarning("Kafka: {Reason}", e.Reason))
            .Build();
        _lanes = Enumerable.Range(0, options.Writers)
            .Select(_ => new WriterLane(new BatchCommitter(kafkaOptions.GroupId, dataSource, validator, options, counters, logger, time, new TimeSeriesWriter(rollup)), consumer, producer, counters, logger, time))
            .ToArray();
        _folder = rollup is null ? null : new RollupFolder(rollup, dataSource, counters, options, logger, time);
        consumer.Subscribe([Topics.SensorReadings, Topics.SourceTelemetry]);
        logger.LogInformation("Ingest worker consuming {Topics} from {Bootstrap} as group {Group}, with librdkafka {Version} ({Library}).",
            $"{Topics.SensorReadings}, {Topics.SourceTelemetry}", bootstrapServers, kafkaOptions.GroupId, KafkaNative.Version, Path.GetFileName(KafkaNative.LibraryPath));
        var lagMeasured = time.GetTimestamp();
        counters.ConsumingChanged(true);
        try
        {
            while (!cancellationToken.IsCancellationRequested && !AnyLaneStopped())
            {
                var now = ConsumeOne(consumer);
                foreach (var lane in _lanes)
                {
                    if (lane.Batch.Messages.Count >= options.BatchSize || (!lane.Batch.IsEmpty && time.GetElapsedTime(lane.Batch.StartedAt, now) >= options.Linger))
                    {
                        lane.Hand(cancellationToken);
                    }
                }

                if (time.GetElapsedTime(lagMeasured, now) >= LagInterval)
                {
                    MeasureLag(consumer);
                    lagMeasured = time.GetTimestamp();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            counters.ConsumingChanged(false);
            Shutdown(consumer);
        }
    }

    IEnumerable<TopicPartitionOffset> StartingOffsets(IConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions, CancellationToken cancellationToken)
    {
        var backoff = new Backoff(options);
        while (true)
        {
            try
            {
                var stored = IngestOffsets.LoadAsync(dataSource, kafkaOptions.GroupId, partitions.Select(p => (p.Topic, p.Partition.Value)).ToList(), cancellationToken)
                    .GetAwaiter().GetResult()
                    .ToDictionary(o => (o.Topic, o.Partition), o => o.NextOffset);
                ResetOffsetsBeyondTheEnd(consumer, stored, cancellationToken);
                logger.LogInformation("Assigned {Partitions}.", string.Join(", ", partitions.Select(p =>
                    $"{p.Topic}[{p.Partition.Value}]@{(stored.TryGetValue((p.Topic, p.Partition.Value), out var o) ? o.ToString(System.Globalization.CultureInfo.InvariantCulture) : "start")}")));
                DealToLanes(partitions);
                counters.Assigned(partitions.Count);
                foreach (var p in partitions.Where(p => stored.ContainsKey((p.Topic, p.Partition.Value))))
                {
                    _cursors[p].Next = stored[(p.Topic, p.Partition.Value)];
                }

                return partitions.Select(p => new TopicPartitionOffset(p, stored.TryGetValue((p.Topic, p.Partition.Value), out var next) ? new Offset(next) : Offset.Unset));
            }
            catch (Exception e) when (e is NpgsqlException && !cancellationToken.IsCancellationRequested)
            {
                var delay = backoff.Next();
                logger.LogWarning("Could not read this group's offsets from the database ({Message}); retrying in {Delay} before consuming.", e.Message, delay);
                cancellationToken.WaitHandle.WaitOne(delay);
            }
        }
    }

    /// <summary>
    /// A stored offset beyond a partition's high watermark was written for an earlier topic of that name (the broker was
    /// restarted, or the topic deleted and re-created): trusted, it would skip the new topic's first messages without a
    /// word. Such a partition is read again from its low watermark, loudly, and the reset is counted and recorded.
    /// </summary>
    /// <remarks>
    /// A new topic that already holds more messages than the stored offset cannot be told apart this way; the
    /// topic's id would tell, which the embedded broker (librdkafka 2.0's mock) does not serve.
    /// </remarks>
    void ResetOffsetsBeyondTheEnd(IConsumer<byte[], byte[]> consumer, Dictionary<(string Topic, int Partition), long> stored, CancellationToken cancellationToken)
    {
        foreach (var ((topic, partition), next) in stored.ToList())
        {
            WatermarkOffsets watermarks;
            try
            {
                watermarks = consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition), TimeSpan.FromSeconds(10));
            }
            catch (KafkaException e)
            {
                logger.LogWarning("Could not read the watermarks of {Topic}[{Partition}] ({Reason}); starting at the stored offset {Offset}.", topic, partition, e.Error.Reason, next);
                continue;
            }

            if (watermarks.High == Offset.Unset || next <= watermarks.High.Value)
            {
                continue;
            }

            var low = Math.Max(0, watermarks.Low.Value);
            logger.LogError("OFFSET RESET: {Topic}[{Partition}] ends at offset {High}, but this group's stored next offset is {Stored}: the topic was re-created or the broker restarted " +
                "since. Reading the partition again from offset {Low}; nothing of the new topic is skipped, and the reset is counted (ingest_offsets.resets, airq_ingest_offset_resets_total).",
                topic, partition, watermarks.High.Value, next, low);
            IngestOffsets.ResetAsync(dataSource, kafkaOptions.GroupId, topic, partition, low, cancellationToken).GetAwaiter().GetResult();
            counters.OffsetReset();
            stored[(topic, partition)] = low;
        }
    }

    bool AnyLaneStopped()
    {
        foreach (var lane in _lanes)
        {
            if (lane.Writer.IsCompleted)
            {
                return true;
            }
        }

        return false;
    }

    void Shutdown(IConsumer<byte[], byte[]> consumer)
    {
        Exception? drainError = null;
        try
        {
            if (!AnyLaneStopped())
            {
                Drain();
            }
        }
        catch (Exception e)
        {
            drainError = e;
        }

        foreach (var lane in _lanes)
        {
            lane.Complete();
        }

        try
        {
            // A writer that failed rethrows its own error here, the one worth reporting.
            Task.WhenAll(_lanes.Select(l => l.Writer)).GetAwaiter().GetResult();
        }
        finally
        {
            _folder?.Dispose();
            consumer.Close();
        }

        if (drainError is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(drainError);
        }
    }

    /// <summary>Consumes one message, if one comes within 50 ms, into its writer's batch; returns the time afterwards.</summary>
    long ConsumeOne(IConsumer<byte[], byte[]> consumer)
    {
        ConsumeResult<byte[], byte[]>? result;
        try
        {
            result = consumer.Consume(TimeSpan.FromMilliseconds(50));
        }
        catch (ConsumeException e) when (!e.Error.IsFatal)
        {
            logger.LogWarning("Kafka consume error, continuing: {Reason}", e.Error.Reason);
            return time.GetTimestamp();
        }

        var now = time.GetTimestamp();
        if (result is not { Message: not null })
        {
            return now;
        }

        var cursor = CursorOf(result);
        if (cursor.Next is { } expected && result.Offset.Value > expected)
        {
            // The broker no longer had these (retention ran out while they waited, or the offset was reset): they
            // can never be stored. Counted and reported, never passed over in silence.
            var lost = result.Offset.Value - expected;
            counters.Expired(lost);
            logger.LogError("{Count} messages of {Partition} expired from Kafka before they were consumed (offsets {From} to {To}); they are lost. " +
                "Raise the topic's retention or add ingest workers.", lost, result.TopicPartition, expected, result.Offset.Value - 1);
        }

        cursor.Next = result.Offset.Value + 1;
        cursor.Lane.Batch.Add(result, cursor.Partition, now);
        return now;
    }

    /// <summary>The cursor of the partition <paramref name="result"/> came from.</summary>
    /// <remarks>
    /// Messages come in runs from one partition (a fetch returns whole message sets), so the last cursor usually
    /// serves, compared by number and topic name; a dictionary lookup hashes the topic name, and
    /// <see cref="ConsumeResult{TKey, TValue}.TopicPartition"/> is a new object at each call.
    /// </remarks>
    PartitionCursor CursorOf(ConsumeResult<byte[], byte[]> result)
    {
        if (_lastCursor is { } last && last.Partition.Partition.Value == result.Partition.Value && string.Equals(last.Partition.Topic, result.Topic, StringComparison.Ordinal))
        {
            return last;
        }

        var partition = result.TopicPartition;
        if (!_cursors.TryGetValue(partition, out var cursor))
        {
            // Not dealt at assignment: a writer by partition number.
            cursor = new PartitionCursor(partition, _lanes[partition.Partition.Value % _lanes.Length]);
            _cursors[partition] = cursor;
        }

        return _lastCursor = cursor;
    }

    /// <summary>
    /// Deals the assigned partitions out to the writers in turn, so each writer gets a share whatever partition
    /// numbers this worker was given. Safe to redo at each assignment: every partition is revoked, and every batch
    /// drained, before the next assignment (the eager rebalance protocol, librdkafka's default).
    /// </summary>
    void DealToLanes(List<TopicPartition> partitions)
    {
        _cursors.Clear();
        _lastCursor = null;
        var ordered = partitions.OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition.Value).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            _cursors[ordered[i]] = new PartitionCursor(ordered[i], _lanes[i % _lanes.Length]);
        }
    }

    /// <summary>Each assigned partition's writer and next offset, for as long as it stays assigned.</summary>
    readonly Dictionary<TopicPartition, PartitionCursor> _cursors = [];

    /// <summary>The cursor of the last message consumed; cleared at each assignment.</summary>
    PartitionCursor? _lastCursor;

    /// <summary>What the consume loop keeps per assigned partition.</summary>
    sealed class PartitionCursor(TopicPartition partition, WriterLane lane)
    {
        public TopicPartition Partition { get; } = partition;

        /// <summary>The writer the partition goes to.</summary>
        public WriterLane Lane { get; } = lane;

        /// <summary>The offset the partition should deliver next, when known: from the database at assignment, then from what was consumed.</summary>
        public long? Next { get; set; }
    }

    /// <summary>Hands over the batches in hand and waits until every batch handed over is committed.</summary>
    void Drain()
    {
        foreach (var lane in _lanes)
        {
            lane.Hand(CancellationToken.None);
        }

        foreach (var lane in _lanes)
        {
            lane.WaitForHanded();
        }
    }

    void MeasureLag(IConsumer<byte[], byte[]> consumer)
    {
        long lag = 0;
        foreach (var partition in consumer.Assignment)
        {
            var watermarks = consumer.GetWatermarkOffsets(partition);
            var position = consumer.Position(partition);
            if (watermarks.High != Offset.Unset && position != Offset.Unset)
            {
                lag += Math.Max(0, watermarks.High.Value - position.Value);
            }
        }

        counters.LagMeasured(lag);
    }
}
