using AirQuality.Contracts;
using AirQuality.Ingest.Validation;
using Confluent.Kafka;

namespace AirQuality.Ingest;

/// <summary>
/// What the consume loop hands the writer: the messages and the offsets they cover. The writer validates them,
/// filling <see cref="Readings"/>, <see cref="Telemetry"/> and <see cref="Rejections"/>, so that validation runs
/// beside consumption instead of slowing it.
/// </summary>
sealed class IngestBatch
{
    public List<ConsumeResult<byte[], byte[]>> Messages { get; } = [];
    public List<SensorReading> Readings { get; } = [];
    public List<SourceTelemetry> Telemetry { get; } = [];
    public List<(ConsumeResult<byte[], byte[]> Source, Rejection Rejection)> Rejections { get; } = [];

    /// <summary>Next offset to commit per partition (the last consumed offset plus one).</summary>
    public Dictionary<TopicPartition, Offset> Offsets { get; } = [];

    public long StartedAt { get; private set; }

    /// <summary>Completed when the batch is committed, so a rebalance can wait for it.</summary>
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsEmpty => Messages.Count == 0;

    public int RecordCount => Readings.Count + Telemetry.Count + Rejections.Count;

    public void Add(ConsumeResult<byte[], byte[]> result, TopicPartition partition, long now)
    {
        if (IsEmpty)
        {
            StartedAt = now;
        }

        Messages.Add(result);
        Offsets[partition] = result.Offset + 1;
    }

    /// <summary>Validates every message, filling the record and rejection lists and counting what each message carried.</summary>
    public void Validate(MessageValidator validator, IngestCounters counters)
    {
        // Counted once a batch: two writers adding to one shared counter for every message contend for it.
        var records = 0L;
        foreach (var message in Messages)
        {
            var validation = validator.Validate(message.Topic, message.Message.Value ?? []);
            records += validation.RecordCount;
            Readings.AddRange(validation.Readings);
            Telemetry.AddRange(validation.Telemetry);
            foreach (var rejection in validation.Rejections)
            {
                Rejections.Add((message, rejection));
            }
        }

        counters.Consumed(Messages.Count, records);
    }
}
