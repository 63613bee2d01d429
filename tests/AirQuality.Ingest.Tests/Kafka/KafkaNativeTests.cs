using AirQuality.Ingest.Kafka;
using Confluent.Kafka;
using Xunit;

namespace AirQuality.Ingest.Tests.Kafka;

public sealed class KafkaNativeTests
{
    /// <summary>
    /// The one librdkafka in the process is the package's file beside the program, whatever the operating system has
    /// installed (this machine has Debian's librdkafka 2.0.2, which Confluent.Kafka 2 would otherwise bind and fail on).
    /// </summary>
    [Fact]
    public void Confluent_Kafka_runs_on_the_packages_librdkafka_loaded_by_path()
    {
        // A client makes Confluent.Kafka load and initialise the library.
        using (var producer = new ProducerBuilder<Null, string>(KafkaClients.Producer("127.0.0.1:1", new KafkaOptions())).Build())
        {
            Assert.NotEmpty(producer.Name);
        }

        var mapped = File.ReadAllLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && fields[5].Contains("librdkafka", StringComparison.Ordinal))
            .Select(fields => fields[5])
            .Distinct()
            .ToList();
        Assert.Equal([KafkaNative.LibraryPath], mapped);
        Assert.StartsWith("centos8-", Path.GetFileName(KafkaNative.LibraryPath), StringComparison.Ordinal);
        // The version librdkafka reports is the package's, not the operating system's 2.0.
        Assert.Matches(@"^2\.(1[0-9]|[2-9])\.", KafkaNative.Version);
    }
}
