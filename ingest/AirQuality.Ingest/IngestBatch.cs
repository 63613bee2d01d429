using AirQuality.Contracts;
using AirQuality.Ingest.Validation;
using Confluent.Kafka;

namespace AirQuality.Ingest;

/// <summary>What the consume loop hands the writer: validated records, rejections, the offsets they cover, and when each message was produced.</summary>
sealed class IngestBatch
{
    public List<SensorReading> Readings { get; } = [];
    public List<SourceTelemetry> Telemetry { get; } = [];
    public List<(ConsumeResult<string, byte[]> Source, Rejection Rejection)> Rejections { get; } = [];

    /// <summary>Next offset to commit per partition (the last consumed offset plus one).</summary>
    public Dictionary<TopicPartition, Offset> Offsets { get; } = [];

    /// <summary>Kafka timestamps (Unix milliseconds) of the batch's messages, for produce-to-commit latency.</summary>
    public List<long> ProducedAtMillis { get; } = [];

    public int Records { get; private set; }

    public long StartedAt { get; private set; }

    /// <summary>Completed when the batch is committed, so a rebalance can wait for it.</summary>
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsEmpty => Offsets.Count == 0;

    public void Add(ConsumeResult<string, byte[]> result, ValidationResult validation, long now)
    {
        if (IsEmpty)
        {
            StartedAt = now;
        }

        Readings.AddRange(validation.Readings);
        Telemetry.AddRange(validation.Telemetry);
        foreach (var rejection in validation.Rejections)
        {
            Rejections.Add((result, rejection));
        }

        Offsets[result.TopicPartition] = result.Offset + 1;
        if (result.Message.Timestamp.Type != TimestampType.NotAvailable)
        {
            ProducedAtMillis.Add(result.Message.Timestamp.UnixTimestampMs);
        }

        Records += validation.RecordCount;
    }
}
