using System.Runtime.InteropServices;
using AirQuality.Ingest.Kafka;

namespace AirQuality.Development;

/// <summary>
/// A Kafka-protocol broker inside this process: librdkafka's mock cluster, listening on loopback ports.
/// </summary>
/// <remarks>
/// It speaks the real wire protocol, so any Kafka client in any process can use <see cref="BootstrapServers"/>,
/// and it supports consumer groups, committed offsets and rebalancing. It keeps everything in memory and
/// is gone when the process ends: it is the development default, and production uses a real cluster
/// (<c>AIRQ_KAFKA_BOOTSTRAP</c>). CreateTopics is not supported by librdkafka 2.0's mock, so topics are
/// created through the mock API with a chosen partition count.
/// </remarks>
public sealed class EmbeddedBroker : IDisposable
{
    IntPtr _client;
    IntPtr _cluster;

    EmbeddedBroker(IntPtr client, IntPtr cluster, string bootstrapServers)
    {
        _client = client;
        _cluster = cluster;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>Comma-separated host:port list of the mock brokers, all on 127.0.0.1.</summary>
    public string BootstrapServers { get; }

    /// <summary>Starts a mock cluster of <paramref name="brokerCount"/> brokers.</summary>
    public static EmbeddedBroker Start(int brokerCount = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokerCount, 1);
        KafkaNative.EnsureLoaded(typeof(MockClusterNative).Assembly);
        var errstr = new byte[512];
        var conf = MockClusterNative.ConfNew();
        // The handle only hosts the mock cluster's thread; keep it quiet and away from any real broker.
        MockClusterNative.ConfSet(conf, "bootstrap.servers", "", errstr, (nuint)errstr.Length);
        MockClusterNative.ConfSet(conf, "log_level", "3", errstr, (nuint)errstr.Length);
        var client = MockClusterNative.KafkaNew(MockClusterNative.ProducerType, conf, errstr, (nuint)errstr.Length);
        if (client == IntPtr.Zero)
        {
            throw new InvalidOperationException($"librdkafka could not create a client to host the embedded broker: {MockClusterNative.ErrorText(errstr)}");
        }

        var cluster = MockClusterNative.ClusterNew(client, brokerCount);
        if (cluster == IntPtr.Zero)
        {
            MockClusterNative.KafkaDestroy(client);
            throw new InvalidOperationException("librdkafka could not start its mock cluster (the embedded broker).");
        }

        var bootstraps = Marshal.PtrToStringUTF8(MockClusterNative.ClusterBootstraps(cluster)) ?? "";
        return new EmbeddedBroker(client, cluster, bootstraps);
    }

    /// <summary>Creates <paramref name="topic"/> with the given number of partitions (an existing topic is left as it is).</summary>
    public void CreateTopic(string topic, int partitions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
        var err = MockClusterNative.TopicCreate(_cluster, topic, partitions, 1);
        // 36 is TOPIC_ALREADY_EXISTS.
        if (err != 0 && err != 36)
        {
            throw new InvalidOperationException($"The embedded broker could not create topic '{topic}' (librdkafka error {err}).");
        }
    }

    public void Dispose()
    {
        if (_cluster != IntPtr.Zero)
        {
            MockClusterNative.ClusterDestroy(_cluster);
            _cluster = IntPtr.Zero;
        }

        if (_client != IntPtr.Zero)
        {
            MockClusterNative.KafkaDestroy(_client);
            _client = IntPtr.Zero;
        }
    }
}
