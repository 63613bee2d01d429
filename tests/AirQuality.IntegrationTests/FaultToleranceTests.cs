using System.Text;
using AirQuality.Contracts;
using AirQuality.Development;
using AirQuality.Ingest.Kafka;
using AirQuality.Ingest.Validation;
using AirQuality.Ingest;
using AirQuality.Simulation.Fuzzing;
using AirQuality.Tests.Support;
using Confluent.Kafka;
using Dapper;
using Xunit;

namespace AirQuality.IntegrationTests;

/// <summary>The ingest worker under the faults production brings: a killed process, poison messages, messages lost to retention (a database outage: <see cref="DatabaseOutageTests"/>).</summary>
[Collection(ProcessTests.Name)]
public sealed class FaultToleranceTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_worker_killed_mid_stream_and_restarted_leaves_every_reading_stored_exactly_once()
    {
        await using var harness = await IngestHarness.StartAsync(postgres);
        var environment = new Dictionary<string, string>
        {
            ["AIRQ_DB"] = postgres.ConnectionString(harness.Database),
            ["AIRQ_KAFKA_BOOTSTRAP"] = harness.Broker.BootstrapServers,
            // The restarted worker gets the dead one's partitions when its session expires: the mock broker's minimum.
            ["AIRQ_Kafka__Client__session.timeout.ms"] = "6000",
            ["AIRQ_Ingest__BatchSize"] = "500",
            ["AIRQ_Ingest__MaxAge"] = "4000.00:00:00",
        };
        var first = await harness.SimulateAsync(IngestHarness.Start, TimeSpan.FromHours(2));
        using var worker = AirqProcess.Start(environment, "ingest");
        await IngestHarness.Until(async () => await harness.StoredRowsAsync() == first.ExpectedStored, TimeSpan.FromMinutes(1));

        // The second part streams for about six seconds; the worker is killed while it is storing it.
        var streaming = harness.SimulateAsync(IngestHarness.Start.AddHours(2), TimeSpan.FromHours(6), speed: 3600);
        await IngestHarness.Until(async () => await harness.StoredRowsAsync() > first.ExpectedStored + 2_000, TimeSpan.FromMinutes(1));
        worker.Kill();
        Assert.False(streaming.IsCompleted, "The stream ended before the kill: the test did not kill mid-stream.");
        using var restarted = AirqProcess.Start(environment, "ingest");
        var second = await streaming;

        var expected = first.ExpectedStored + second.ExpectedStored;
        await IngestHarness.Until(async () => await harness.StoredRowsAsync() >= expected, TimeSpan.FromMinutes(2));
        Assert.Equal(0, restarted.Terminate(TimeSpan.FromSeconds(30)));
        Assert.Equal(expected, await harness.StoredRowsAsync());
        Assert.Contains("Ingest stopped", restarted.Output, StringComparison.Ordinal);

        // Both workers reported to airq status; the stopped one with its final counters.
        var (exit, status) = AirqProcess.Run(environment, "status");
        Assert.Equal(0, exit);
        Assert.Equal(2, status.Split("(group airq-ingest)").Length - 1);
        Assert.Matches(@"\(group airq-ingest\), stopped ", status);
        Assert.Contains("airq-ingest airq.sensor-readings.v1: [0] ", status, StringComparison.Ordinal);

        // The hourly sums the killed worker staged were folded by the restarted one: each reading counted once.
        Assert.Contains("Hourly sums: all folded into sensor_hourly.", status, StringComparison.Ordinal);
        await using var connection = await harness.Database.OpenConnectionAsync();
        Assert.Equal(
            await connection.ExecuteScalarAsync<long>("SELECT count(pm25_ugm3) FROM sensor_readings"),
            await connection.ExecuteScalarAsync<long>("SELECT sum(pm25_readings) FROM sensor_hourly"));
    }

    [Fact]
    public async Task A_second_worker_joining_mid_stream_takes_partitions_without_loss_or_duplicates()
    {
        await using var harness = await IngestHarness.StartAsync(postgres);
        var (a, b) = (new IngestCounters(), new IngestCounters());
        using var stop = new CancellationTokenSource();
        var streaming = harness.SimulateAsync(IngestHarness.Start, TimeSpan.FromHours(6), speed: 3600 * 6 / 10.0); // about 10 seconds
        var first = harness.Worker(a).RunAsync(stop.Token);
        await IngestHarness.Until(() => a.Stored > 2_000, TimeSpan.FromMinutes(1));
        var second = harness.Worker(b).RunAsync(stop.Token);

        var summary = await streaming;
        await IngestHarness.Until(() => a.Settled + b.Settled >= summary.Messages, TimeSpan.FromMinutes(2));

        await stop.CancelAsync();
        await Task.WhenAll(first, second);
        Assert.True(b.Stored > 0, "The second worker was never given a partition.");
        Assert.Equal(summary.ExpectedStored, a.Stored + b.Stored);
        Assert.Equal(0, a.Duplicates + b.Duplicates);
        Assert.Equal(summary.ExpectedStored, await harness.StoredRowsAsync());
    }

    [Fact]
    public async Task With_three_writers_every_partition_is_stored_to_its_end_and_its_offset_kept_with_the_rows()
    {
        await using var harness = await IngestHarness.StartAsync(postgres);
        var summary = await harness.SimulateAsync(IngestHarness.Start, TimeSpan.FromHours(2));
        var counters = new IngestCounters();
        using var stop = new CancellationTokenSource();
        // Three writers over eight partitions (four of each topic), dealt out in turn. Small batches, so each writer commits many times.
        var options = new IngestOptions { Writers = 3, BatchSize = 300, MaxAge = TimeSpan.FromDays(4000) };
        var running = harness.Worker(counters, options: options).RunAsync(stop.Token);
        await IngestHarness.Until(() => counters.Settled >= summary.Messages || running.IsCompleted, TimeSpan.FromMinutes(2));
        await stop.CancelAsync();
        await running;

        Assert.Equal(summary.ExpectedStored, counters.Stored);
        Assert.Equal(0, counters.Duplicates);
        Assert.Equal(summary.ExpectedStored, await harness.StoredRowsAsync());
        Assert.True(counters.Batches > 3 * Topics.DefaultPartitions, $"{counters.Batches} batches");
        using var watermarks = new ConsumerBuilder<Ignore, Ignore>(KafkaClients.Consumer(harness.Broker.BootstrapServers, new KafkaOptions { GroupId = "watermarks" })).Build();
        await using var connection = await harness.Database.OpenConnectionAsync();
        foreach (var topic in new[] { Topics.SensorReadings, Topics.SourceTelemetry })
        {
            for (var partition = 0; partition < Topics.DefaultPartitions; partition++)
            {
                var end = watermarks.QueryWatermarkOffsets(new TopicPartition(topic, partition), TimeSpan.FromSeconds(10)).High.Value;
                var stored = await connection.ExecuteScalarAsync<long?>(
                    "SELECT next_offset FROM ingest_offsets WHERE consumer_group = 'airq-ingest' AND topic = @topic AND kafka_partition = @partition", new { topic, partition });
                Assert.True(end > 0, $"{topic}[{partition}] received nothing");
                Assert.Equal(end, stored);
            }
        }
    }

    [Fact]
    public async Task Poison_messages_are_dead_lettered_and_never_stop_the_worker()
    {
        await using var harness = await IngestHarness.StartAsync(postgres);
        var random = new Random(5);
        var binary = new byte[4096];
        random.NextBytes(binary);
        byte[][] poison =
        [
            [],
            binary,
            Encoding.UTF8.GetBytes(new string('x', 10 * 1024 * 1024)),
            Encoding.UTF8.GetBytes(new string('[', 100_000) + new string(']', 100_000)),
            Encoding.UTF8.GetBytes("{\"sensor_id\":" + new string('{', 5000) + "}"),
            Encoding.UTF8.GetBytes("{\"readings\":" + new string('[', 50) + new string(']', 50) + "}"),
            Encoding.UTF8.GetBytes("{\"sensor_id\":\"S0001\",\"observed_at\":\"2026-11-01T00:00:00Z\",\"pm25\":1e400}"),
            Encoding.UTF8.GetBytes("\"just a string\""),
            [0xEF, 0xBB, 0xBF, 0xFF, 0xFE, 0x00],
        ];
        var producerConfig = KafkaClients.Producer(harness.Broker.BootstrapServers, new KafkaOptions());
        producerConfig.MessageMaxBytes = 20 * 1024 * 1024;
        using (var producer = new ProducerBuilder<string, byte[]>(producerConfig).Build())
        {
            foreach (var value in poison)
            {
                await producer.ProduceAsync(Topics.SensorReadings, new Message<string, byte[]> { Key = "fuzz", Value = value });
            }

            await producer.ProduceAsync(Topics.SensorReadings, new Message<string, byte[]>
            {
                Key = "S0001",
                Value = Encoding.UTF8.GetBytes("{\"sensor_id\":\"S0001\",\"observed_at\":\"2026-11-01T00:05:00Z\",\"pm25\":18.5}"),
            });
        }

        var counters = new IngestCounters();
        await harness.RunUntilSettledAsync(counters, poison.Length + 1);
        Assert.Equal(1, counters.Stored);
        Assert.Equal(poison.Length, counters.Rejected);
        Assert.Equal(1, counters.RejectedByReason[RejectReason.Oversized]);
        Assert.Equal(1, await harness.StoredRowsAsync());
    }

    [Fact]
    public async Task Messages_the_broker_dropped_before_the_worker_reached_them_are_counted_as_expired_not_passed_over()
    {
        await using var harness = await IngestHarness.StartAsync(postgres);
        var partition = new TopicPartition(Topics.SensorReadings, 0);
        static Message<byte[], byte[]> Reading(int minute) => new()
        {
            Key = "S0001"u8.ToArray(),
            Value = Encoding.UTF8.GetBytes($$"""{"sensor_id":"S0001","observed_at":"2026-11-01T{{minute / 60:00}}:{{minute % 60:00}}:00Z","pm25":20}"""),
        };

        using var producer = new ProducerBuilder<byte[], byte[]>(KafkaClients.Producer(harness.Broker.BootstrapServers, new KafkaOptions())).Build();
        void Produce(IEnumerable<Message<byte[], byte[]>> messages)
        {
            foreach (var message in messages)
            {
                producer.Produce(partition, message);
            }

            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }

        // A worker stores ten readings; the database now says the group is at offset 10 of partition 0.
        Produce(Enumerable.Range(0, 10).Select(Reading));
        await harness.RunUntilSettledAsync(new IngestCounters(), 10);

        // While no worker runs, 10 MB arrive in that partition (random bytes: the producer compresses) and five
        // readings after them. The embedded broker keeps 5 MB a partition and drops the oldest message sets beyond
        // that, as a real broker does when retention runs out.
        var random = new Random(5);
        Produce(Enumerable.Range(0, 100).Select(_ =>
        {
            var junk = new byte[100_000];
            random.NextBytes(junk);
            return new Message<byte[], byte[]> { Key = "flood"u8.ToArray(), Value = junk };
        }));
        Produce(Enumerable.Range(10, 5).Select(Reading));
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = harness.Broker.BootstrapServers, GroupId = "watermarks" }).Build();
        var watermarks = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10));
        var (low, high) = (watermarks.Low, watermarks.High);
        Assert.True(low.Value > 10, $"The broker dropped nothing (first offset {low.Value}), so this test would prove nothing.");
        Assert.Equal(115, high.Value);

        // The restarted worker finds its next offset gone: what it can still read is stored or dead-lettered, and
        // what it cannot is counted as expired, exactly.
        var counters = new IngestCounters();
        await harness.RunUntilSettledAsync(counters, high.Value - low.Value);
        Assert.Equal(low.Value - 10, counters.ExpiredMessages);
        Assert.Equal(high.Value - low.Value, counters.Messages);
        Assert.Equal(5, counters.Stored);
        Assert.Equal(high.Value - low.Value - 5, counters.Rejected);
        Assert.Contains($"EXPIRED before consumption {low.Value - 10:N0}", counters.ToString(), StringComparison.Ordinal);
        Assert.Equal(15, await harness.StoredRowsAsync());
    }

    [Fact]
    public async Task Offsets_stored_for_an_earlier_topic_are_detected_counted_and_the_new_topic_read_from_its_start()
    {
        await using var harness = await IngestHarness.StartAsync(postgres);
        static Message<byte[], byte[]> Reading(int minute) => new()
        {
            Key = "S0001"u8.ToArray(),
            Value = Encoding.UTF8.GetBytes($$"""{"sensor_id":"S0001","observed_at":"2026-11-01T{{minute / 60:00}}:{{minute % 60:00}}:00Z","pm25":20}"""),
        };
        static void Produce(string bootstrap, IEnumerable<Message<byte[], byte[]>> messages)
        {
            using var producer = new ProducerBuilder<byte[], byte[]>(KafkaClients.Producer(bootstrap, new KafkaOptions())).Build();
            foreach (var message in messages)
            {
                producer.Produce(new TopicPartition(Topics.SensorReadings, 0), message);
            }

            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }

        // Ten readings stored: the database says the group is at offset 10 of partition 0.
        Produce(harness.Broker.BootstrapServers, Enumerable.Range(0, 10).Select(Reading));
        await harness.RunUntilSettledAsync(new IngestCounters(), 10);

        // The broker restarts empty (as the embedded one does; or the topic is deleted and re-created) and three new readings arrive.
        using var restarted = EmbeddedBroker.Start();
        foreach (var topic in Topics.All)
        {
            restarted.CreateTopic(topic, Topics.DefaultPartitions);
        }

        Produce(restarted.BootstrapServers, Enumerable.Range(100, 3).Select(Reading));
        var counters = new IngestCounters();
        await harness.RunUntilSettledAsync(counters, 3, bootstrap: restarted.BootstrapServers);
        Assert.Equal(3, counters.Stored);
        Assert.Equal(1, counters.OffsetResets);
        Assert.Contains("OFFSETS RESET 1", counters.ToString(), StringComparison.Ordinal);
        Assert.Equal(13, await harness.StoredRowsAsync());
        await using (var connection = await harness.Database.OpenConnectionAsync())
        {
            var (next, resets, from) = await connection.QuerySingleAsync<(long, int, long)>(
                $"SELECT next_offset, resets, last_reset_from FROM ingest_offsets WHERE topic = '{Topics.SensorReadings}' AND kafka_partition = 0");
            Assert.Equal((3L, 1, 10L), (next, resets, from));
        }

        var (exit, status) = AirqProcess.Run(new Dictionary<string, string> { ["AIRQ_DB"] = postgres.ConnectionString(harness.Database) }, "status");
        Assert.Equal(0, exit);
        Assert.Contains($"OFFSET RESET 1 time(s): airq-ingest {Topics.SensorReadings}[0]", status, StringComparison.Ordinal);
        Assert.Contains("from stored offset 10", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Four_hundred_fuzzed_messages_on_both_topics_are_each_stored_or_dead_lettered_and_the_worker_carries_on()
    {
        await using var harness = await IngestHarness.StartAsync(postgres);
        var sensors = harness.Registry.Sensors.Take(20).Select(s => s.SensorId).Append("S9999").ToList();
        var sources = harness.Registry.Sources.Take(5).Select(s => s.SourceId).Append("P404").ToList();
        var fuzzer = new MessageFuzzer(20_261_101, sensors, sources, IngestHarness.Start.AddDays(1));
        const int Messages = 400;
        using (var producer = new ProducerBuilder<byte[], byte[]>(KafkaClients.Producer(harness.Broker.BootstrapServers, new KafkaOptions())).Build())
        {
            for (var i = 0; i < Messages; i++)
            {
                var (topic, value) = fuzzer.Next();
                producer.Produce(topic, new Message<byte[], byte[]> { Key = BitConverter.GetBytes(i), Value = value });
            }

            // The last word: a valid reading in every partition of the sensor topic, which must be stored behind whatever came before.
            for (var partition = 0; partition < Topics.DefaultPartitions; partition++)
            {
                producer.Produce(new TopicPartition(Topics.SensorReadings, partition), new Message<byte[], byte[]>
                {
                    Key = "S0001"u8.ToArray(),
                    Value = Encoding.UTF8.GetBytes($$"""{"sensor_id":"{{sensors[0]}}","observed_at":"2026-11-02T00:0{{partition}}:00Z","pm25":7}"""),
                });
            }

            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }

        var counters = new IngestCounters();
        using var stop = new CancellationTokenSource();
        var running = harness.Worker(counters).RunAsync(stop.Token);
        await IngestHarness.Until(() => running.IsCompleted || (counters.Messages == Messages + Topics.DefaultPartitions && counters.Settled == counters.Records), TimeSpan.FromMinutes(1));
        Assert.False(running.IsCompleted, $"The worker stopped: {running.Exception?.InnerException?.Message}");
        await stop.CancelAsync();
        await running;

        Assert.True(counters.Stored > 0 && counters.Rejected > 0, counters.ToString());
        Assert.Equal(counters.Records, counters.Stored + counters.Duplicates + counters.Rejected);
        Assert.Equal(counters.Stored, await harness.StoredRowsAsync());
        await using var connection = await harness.Database.OpenConnectionAsync();
        Assert.Equal(Topics.DefaultPartitions, await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM sensor_readings WHERE sensor_id = @id AND observed_at >= '2026-11-02T00:00:00Z' AND pm25_ugm3 = 7", new { id = sensors[0] }));
    }
}
