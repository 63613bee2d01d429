using Confluent.Kafka;

namespace AirQuality.Ingest.Kafka;

/// <summary>
/// Builds Confluent.Kafka configurations from <see cref="KafkaOptions"/>: this pipeline's defaults, then the security
/// settings (TLS, SASL), then the pass-through <see cref="KafkaOptions.Client"/> settings over them, then the few
/// settings correctness rests on.
/// </summary>
public static class KafkaClients
{
    public static ProducerConfig Producer(string bootstrapServers, KafkaOptions options)
    {
        KafkaNative.EnsureLoaded();
        var config = new ProducerConfig
        {
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 5,
            CompressionType = CompressionType.Lz4,
        };
        Apply(config, options);
        config.BootstrapServers = bootstrapServers;
        return config;
    }

    public static ConsumerConfig Consumer(string bootstrapServers, KafkaOptions options)
    {
        KafkaNative.EnsureLoaded();
        var config = new ConsumerConfig
        {
            AutoOffsetReset = AutoOffsetReset.Earliest,
            // A member that vanishes (killed, partitioned) holds up every rebalance until its session expires.
            SessionTimeoutMs = 10_000,
            // While the database is down the worker stops polling; keep its partitions for ten minutes of that.
            MaxPollIntervalMs = (int)TimeSpan.FromMinutes(10).TotalMilliseconds,
            // An idle partition's fetch returns within this, which bounds the latency added at low rates.
            FetchWaitMaxMs = 50,
            // librdkafka stops fetching a partition once the messages waiting in the client reach queued.min.messages
            // (default 100,000, all partitions together) and looks again only after fetch.queue.backoff.ms (default a
            // second): at this worker's pace a catching-up worker then waited for fetches most of the time. 2.x lets
            // the wait be short instead of the threshold large (500,000 messages and 256 MB before): in four
            // alternating pairs of `airq bench ingest` the short wait kept up as well, with a quarter of the queue (64 MB).
            FetchQueueBackoffMs = 10,
        };
        if (options.GroupProtocol == "consumer")
        {
            // Under KIP-848 the broker owns the session and the assignment: librdkafka refuses session.timeout.ms (and the
            // classic assignment strategy settings) with this protocol.
            config.SessionTimeoutMs = null;
            config.Set("group.protocol", "consumer");
        }

        Apply(config, options);
        config.BootstrapServers = bootstrapServers;
        config.GroupId = options.GroupId;
        // Offsets are stored by hand, only after the batch they cover is in the database (which keeps its own copy
        // in ingest_offsets); auto-commit then sends only those stored offsets to Kafka, every 5 seconds and on close.
        config.EnableAutoOffsetStore = false;
        config.EnableAutoCommit = true;
        return config;
    }

    /// <summary>Produces, and when the client's send queue is full lets deliveries drain first instead of failing: no message is dropped.</summary>
    public static void ProduceWaitingForRoom<TKey, TValue>(this IProducer<TKey, TValue> producer, string topic, Message<TKey, TValue> message, Action<DeliveryReport<TKey, TValue>>? onDelivery = null)
    {
        while (true)
        {
            try
            {
                producer.Produce(topic, message, onDelivery);
                return;
            }
            catch (ProduceException<TKey, TValue> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(50));
            }
        }
    }

    static void Apply(ClientConfig config, KafkaOptions options)
    {
        options.Validate();
        var security = new (string Name, string? Value)[]
        {
            ("security.protocol", options.SecurityProtocol?.ToLowerInvariant()),
            ("sasl.mechanism", options.SaslMechanism?.ToUpperInvariant()),
            ("sasl.username", options.SaslUsername),
            ("sasl.password", options.SaslPassword),
            ("ssl.ca.location", options.SslCaLocation),
            ("ssl.certificate.location", options.SslCertificateLocation),
            ("ssl.key.location", options.SslKeyLocation),
            ("ssl.key.password", options.SslKeyPassword),
        };
        foreach (var (name, value) in security)
        {
            if (!string.IsNullOrEmpty(value))
            {
                config.Set(name, value);
            }
        }

        foreach (var (name, value) in options.Client)
        {
            config.Set(name, value);
        }
    }
}
