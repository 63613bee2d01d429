using AirQuality.Ingest.Kafka;
using Confluent.Kafka;
using Xunit;

namespace AirQuality.Ingest.Tests.Kafka;

public sealed class KafkaClientsTests
{
    static KafkaOptions Secured() => new()
    {
        SecurityProtocol = "SASL_SSL",
        SaslMechanism = "scram-sha-512",
        SaslUsername = "airq-ingest",
        SaslPassword = "from-the-environment",
        SslCaLocation = "/etc/airq/kafka-ca.pem",
        SslCertificateLocation = "/etc/airq/client.pem",
        SslKeyLocation = "/etc/airq/client.key",
        SslKeyPassword = "key-secret",
    };

    [Fact]
    public void Security_settings_reach_the_producer_and_the_consumer_under_librdkafka_names()
    {
        foreach (ClientConfig config in new ClientConfig[] { KafkaClients.Producer("k1:9093", Secured()), KafkaClients.Consumer("k1:9093", Secured()) })
        {
            var settings = config.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            Assert.Equal("sasl_ssl", settings["security.protocol"]);
            Assert.Equal("SCRAM-SHA-512", settings["sasl.mechanism"]);
            Assert.Equal("airq-ingest", settings["sasl.username"]);
            Assert.Equal("from-the-environment", settings["sasl.password"]);
            Assert.Equal("/etc/airq/kafka-ca.pem", settings["ssl.ca.location"]);
            Assert.Equal("/etc/airq/client.pem", settings["ssl.certificate.location"]);
            Assert.Equal("/etc/airq/client.key", settings["ssl.key.location"]);
            Assert.Equal("key-secret", settings["ssl.key.password"]);
            Assert.Equal("k1:9093", settings["bootstrap.servers"]);
        }
    }

    [Fact]
    public void Pass_through_settings_apply_after_the_named_ones_but_not_over_what_correctness_needs()
    {
        var options = Secured();
        options.Client["ssl.endpoint.identification.algorithm"] = "none";
        options.Client["enable.auto.offset.store"] = "true";
        options.Client["group.id"] = "someone-else";
        var settings = KafkaClients.Consumer("k1:9093", options).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        Assert.Equal("none", settings["ssl.endpoint.identification.algorithm"]);
        Assert.Equal("False", settings["enable.auto.offset.store"]);
        Assert.Equal("airq-ingest", settings["group.id"]);
    }

    [Fact]
    public void Without_security_settings_nothing_is_set_and_plaintext_is_librdkafkas_default()
    {
        var settings = KafkaClients.Producer("k1:9092", new KafkaOptions()).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        Assert.DoesNotContain(settings.Keys, k => k.StartsWith("sasl.", StringComparison.Ordinal) || k.StartsWith("ssl.", StringComparison.Ordinal) || k == "security.protocol");
    }

    [Theory]
    [InlineData("tls", null, null, null, "Kafka:SecurityProtocol must be one of")]
    [InlineData("sasl_ssl", "GSSAPI", "u", "p", "Kafka:SaslMechanism must be one of")]
    [InlineData("ssl", "PLAIN", "u", "p", "Kafka:SaslMechanism needs Kafka:SecurityProtocol sasl_ssl")]
    [InlineData("sasl_ssl", "PLAIN", "u", null, "AIRQ_KAFKA_SASL_PASSWORD")]
    [InlineData("sasl_plaintext", null, "u", "p", "needs Kafka:SaslMechanism")]
    public void Settings_that_do_not_fit_together_are_refused_with_a_sentence(string protocol, string? mechanism, string? user, string? password, string message)
    {
        var options = new KafkaOptions { SecurityProtocol = protocol, SaslMechanism = mechanism, SaslUsername = user, SaslPassword = password };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => options.Validate());
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => KafkaClients.Producer("k1:9093", options));
    }

    [Fact]
    public void The_KIP_848_group_protocol_is_a_setting_librdkafka_accepts_and_anything_else_is_refused()
    {
        var config = KafkaClients.Consumer("127.0.0.1:1", new KafkaOptions { GroupProtocol = "consumer" });
        var settings = config.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        Assert.Equal("consumer", settings["group.protocol"]);
        // The broker owns the session under KIP-848: librdkafka refuses a consumer that sets one.
        Assert.False(settings.ContainsKey("session.timeout.ms"));
        using (var consumer = new ConsumerBuilder<Ignore, Ignore>(config).Build())
        {
            Assert.NotEmpty(consumer.Name);
        }

        Assert.Equal("10000", KafkaClients.Consumer("127.0.0.1:1", new KafkaOptions()).Get("session.timeout.ms"));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => KafkaClients.Consumer("127.0.0.1:1", new KafkaOptions { GroupProtocol = "cooperative" }));
        Assert.Contains("Kafka:GroupProtocol must be classic or consumer", e.Message, StringComparison.Ordinal);
    }
}
