namespace AirQuality.Ingest.Kafka;

/// <summary>How to reach Kafka. Section <c>Kafka</c>.</summary>
public sealed class KafkaOptions
{
    /// <summary>Bootstrap servers of a real cluster (host:port,...). Default: empty, meaning an embedded broker in this process. Environment: <c>AIRQ_KAFKA_BOOTSTRAP</c>.</summary>
    public string? BootstrapServers { get; set; }

    /// <summary>Consumer group of the ingest workers. Default <c>airq-ingest</c>; every worker of one deployment uses the same group.</summary>
    public string GroupId { get; set; } = "airq-ingest";

    /// <summary>Extra librdkafka settings passed through unchanged, for TLS and SASL (for example <c>security.protocol</c>, <c>sasl.mechanism</c>, <c>sasl.username</c>). Default: none. Put secrets in environment variables (<c>AIRQ_Kafka__Client__sasl.password</c>), never in files.</summary>
    public Dictionary<string, string> Client { get; set; } = [];
}
