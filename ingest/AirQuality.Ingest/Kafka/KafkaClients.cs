using Confluent.Kafka;

namespace AirQuality.Ingest.Kafka;

/// <summary>Builds Confluent.Kafka configurations from <see cref="KafkaOptions"/>, so pass-through security settings reach every client.</summary>
public static class KafkaClients
{
    public static ProducerConfig Producer(string bootstrapServers, KafkaOptions options)
    {
        KafkaNative.EnsureLoaded();
        var config = new ProducerConfig(new Dictionary<string, string>(options.Client))
        {
            BootstrapServers = bootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 5,
            CompressionType = CompressionType.Lz4,
        };
        return config;
    }

    public static ConsumerConfig Consumer(string bootstrapServers, KafkaOptions options)
    {
        KafkaNative.EnsureLoaded();
        return new ConsumerConfig(new Dictionary<string, string>(options.Client))
        {
            BootstrapServers = bootstrapServers,
            GroupId = options.GroupId,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            // Offsets are committed by hand, only after the batch they cover is in the database.
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            // While the database is down the worker stops polling; keep its partitions for ten minutes of that.
            MaxPollIntervalMs = (int)TimeSpan.FromMinutes(10).TotalMilliseconds,
            // An idle partition's fetch returns within this, which bounds the latency added at low rates.
            FetchWaitMaxMs = 50,
        };
    }
}
