namespace AirQuality.Contracts;

/// <summary>Kafka topic names. The <c>.v1</c> suffix is the contract version: a breaking change gets a new topic, so old gateways keep working.</summary>
public static class Topics
{
    /// <summary>Sensor readings. Key: sensor id (UTF-8). Value: JSON <see cref="SensorReading"/> or <see cref="SensorReadingBatch"/>. Not compacted; retention by time.</summary>
    public const string SensorReadings = "airq.sensor-readings.v1";

    /// <summary>Pollution-source telemetry (stack CEMS, dust monitors). Key: source id (UTF-8). Value: JSON <see cref="SourceTelemetry"/> or <see cref="SourceTelemetryBatch"/>. Not compacted.</summary>
    public const string SourceTelemetry = "airq.source-telemetry.v1";

    /// <summary>
    /// Rejected messages. Key: the source message's key. Value: the rejected message unchanged, or for a reading
    /// rejected from a batch, that reading's JSON. Headers: <c>airq-reason</c>, <c>airq-detail</c>,
    /// <c>airq-source-topic</c>, <c>airq-source-partition</c>, <c>airq-source-offset</c>, and <c>airq-batch-index</c>
    /// for a reading of a batch; <c>airq-original-bytes</c> when the value had to be truncated to fit. Not compacted.
    /// </summary>
    public const string DeadLetter = "airq.dead-letter.v1";

    /// <summary>Partitions the embedded broker gives each topic; a real cluster chooses its own.</summary>
    public const int DefaultPartitions = 4;

    public static readonly IReadOnlyList<string> All = [SensorReadings, SourceTelemetry, DeadLetter];
}
