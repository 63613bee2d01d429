namespace AirQuality.Cli;

/// <summary>Where a command's Kafka broker comes from.</summary>
enum BrokerMode
{
    /// <summary>The command needs no broker; <c>Kafka:BootstrapServers</c> is bound as configured, empty or not.</summary>
    None,

    /// <summary>A configured broker (<c>--bootstrap</c>, <c>AIRQ_KAFKA_BOOTSTRAP</c>, <c>Kafka:BootstrapServers</c>), refused before the database is touched when there is none: the workers never start one of their own.</summary>
    Configured,

    /// <summary>The configured broker, or else an embedded Kafka-protocol broker started in this process for as long as the host lives: <c>demo</c> only.</summary>
    EmbeddedUnlessConfigured,
}
