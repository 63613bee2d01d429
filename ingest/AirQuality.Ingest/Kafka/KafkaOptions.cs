namespace AirQuality.Ingest.Kafka;

/// <summary>How to reach Kafka. Section <c>Kafka</c>.</summary>
/// <remarks>
/// The security settings are the usual librdkafka ones under names of their own, checked when a command starts.
/// Passwords are taken from environment variables only (<c>AIRQ_KAFKA_SASL_PASSWORD</c>,
/// <c>AIRQ_KAFKA_SSL_KEY_PASSWORD</c>); the program refuses to start when a configuration file holds one.
/// </remarks>
public sealed class KafkaOptions
{
    static readonly string[] Protocols = ["plaintext", "ssl", "sasl_plaintext", "sasl_ssl"];
    static readonly string[] Mechanisms = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"];

    /// <summary>Bootstrap servers of a real cluster (host:port,...). Default: empty, meaning an embedded broker in this process. Environment: <c>AIRQ_KAFKA_BOOTSTRAP</c>.</summary>
    public string? BootstrapServers { get; set; }

    /// <summary>Consumer group of the ingest workers. Default <c>airq-ingest</c>; every worker of one deployment uses the same group.</summary>
    public string GroupId { get; set; } = "airq-ingest";

    /// <summary><c>plaintext</c> (default), <c>ssl</c>, <c>sasl_plaintext</c> or <c>sasl_ssl</c>: librdkafka's <c>security.protocol</c>.</summary>
    public string? SecurityProtocol { get; set; }

    /// <summary><c>PLAIN</c>, <c>SCRAM-SHA-256</c> or <c>SCRAM-SHA-512</c> with a <c>sasl_*</c> protocol. Default: none.</summary>
    public string? SaslMechanism { get; set; }

    /// <summary>The SASL user name. Default: none; required with <see cref="SaslMechanism"/>.</summary>
    public string? SaslUsername { get; set; }

    /// <summary>The SASL password: from the environment only (<c>AIRQ_KAFKA_SASL_PASSWORD</c>). Required with <see cref="SaslMechanism"/>.</summary>
    public string? SaslPassword { get; set; }

    /// <summary>PEM file of the certificate authorities that signed the brokers' certificates (<c>ssl.ca.location</c>). Default: the system's.</summary>
    public string? SslCaLocation { get; set; }

    /// <summary>Client certificate, PEM (<c>ssl.certificate.location</c>), for brokers that require mutual TLS. Default: none.</summary>
    public string? SslCertificateLocation { get; set; }

    /// <summary>Client private key, PEM (<c>ssl.key.location</c>). Default: none.</summary>
    public string? SslKeyLocation { get; set; }

    /// <summary>Password of <see cref="SslKeyLocation"/>: from the environment only (<c>AIRQ_KAFKA_SSL_KEY_PASSWORD</c>).</summary>
    public string? SslKeyPassword { get; set; }

    /// <summary>
    /// The consumer group protocol: <c>classic</c> (the default: rebalances coordinated by the group leader, works with every
    /// broker) or <c>consumer</c> (KIP-848: the broker assigns partitions incrementally, so members join and leave without
    /// stopping the others; needs Kafka 4.0 or later, and the mock broker supports it).
    /// </summary>
    public string GroupProtocol { get; set; } = "classic";

    /// <summary>Extra librdkafka settings passed through unchanged, applied after the settings above (for example <c>ssl.endpoint.identification.algorithm</c> or tuning). Default: none.</summary>
    public Dictionary<string, string> Client { get; set; } = [];

    /// <summary>Throws when the security settings do not fit together, with a sentence saying what is expected.</summary>
    public KafkaOptions Validate()
    {
        if (SecurityProtocol is { } protocol && !Protocols.Contains(protocol, StringComparer.OrdinalIgnoreCase))
        {
            throw new ArgumentOutOfRangeException(nameof(SecurityProtocol), protocol, $"Kafka:SecurityProtocol must be one of {string.Join(", ", Protocols)}.");
        }

        if (GroupProtocol is not ("classic" or "consumer"))
        {
            throw new ArgumentOutOfRangeException(nameof(GroupProtocol), GroupProtocol, "Kafka:GroupProtocol must be classic or consumer (KIP-848, Kafka 4.0 or later).");
        }

        var sasl = SecurityProtocol?.StartsWith("sasl_", StringComparison.OrdinalIgnoreCase) == true;
        if (SaslMechanism is { } mechanism)
        {
            if (!Mechanisms.Contains(mechanism, StringComparer.OrdinalIgnoreCase))
            {
                throw new ArgumentOutOfRangeException(nameof(SaslMechanism), mechanism, $"Kafka:SaslMechanism must be one of {string.Join(", ", Mechanisms)}.");
            }

            if (!sasl)
            {
                throw new ArgumentOutOfRangeException(nameof(SecurityProtocol), SecurityProtocol, "Kafka:SaslMechanism needs Kafka:SecurityProtocol sasl_ssl (or sasl_plaintext on a trusted network).");
            }
        }

        if (sasl && (SaslMechanism is null || string.IsNullOrEmpty(SaslUsername) || string.IsNullOrEmpty(SaslPassword)))
        {
            throw new ArgumentOutOfRangeException(nameof(SaslMechanism), SaslMechanism,
                "A sasl_* Kafka:SecurityProtocol needs Kafka:SaslMechanism, Kafka:SaslUsername and the password in the environment variable AIRQ_KAFKA_SASL_PASSWORD.");
        }

        return this;
    }
}
