using System.Text;
using AirQuality.Analytics;
using AirQuality.Contracts;
using AirQuality.Ingest;
using AirQuality.Ingest.Kafka;
using AirQuality.Ingest.Simulation;
using AirQuality.Ingest.Validation;
using AirQuality.Storage.Registry;
using AirQuality.Tests.Support;
using Confluent.Kafka;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit;

namespace AirQuality.IntegrationTests;

/// <summary>The walking skeleton end to end: simulator → Kafka protocol (embedded broker) → ingest worker → PostgreSQL → district means.</summary>
[Collection(PostgresTests.Name)]
public sealed class PipelineTests(PostgresFixture postgres)
{
    static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task Every_simulated_and_bad_reading_is_stored_once_counted_as_a_duplicate_or_dead_lettered()
    {
        using var broker = EmbeddedBroker.Start();
        foreach (var topic in Topics.All)
        {
            broker.CreateTopic(topic, Topics.DefaultPartitions);
        }

        await using var db = await postgres.NewDatabaseAsync();
        var registry = TestRegistry.Shipped();
        await new RegistryStore(db).UpsertAsync(registry, CancellationToken.None);
        var kafka = new KafkaOptions();

        var summary = await new GatewaySimulator(broker.BootstrapServers, kafka, TimeProvider.System)
            .RunAsync(registry, new SimulationOptions(Start, TimeSpan.FromHours(3), Seed: 11, Speed: 0), CancellationToken.None);
        var bad = await ProduceBadAndRepeatedMessagesAsync(broker.BootstrapServers);

        var counters = new IngestCounters();
        await RunWorkerUntilSettledAsync(broker.BootstrapServers, kafka, db, registry, counters, summary.Messages + bad.Readings);

        Assert.Equal(0, summary.DeliveryFailures);
        Assert.Equal(summary.Messages + bad.Readings, counters.Stored + counters.Duplicates + counters.Rejected);
        Assert.Equal(bad.Duplicates, counters.Duplicates);
        Assert.Equal(bad.RejectedByReason, counters.RejectedByReason);
        await using var connection = await db.OpenConnectionAsync();
        Assert.Equal(counters.Stored, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM sensor_readings"));
        Assert.Equal(summary.Messages + 1, counters.Stored); // the simulated readings and the good one from the mixed batch

        var deadLetters = ReadDeadLetters(broker.BootstrapServers, (int)counters.Rejected);
        Assert.Equal(bad.RejectedByReason.OrderBy(p => p.Key), deadLetters.GroupBy(d => d.Reason).Select(g => KeyValuePair.Create(g.Key, (long)g.Count())).OrderBy(p => p.Key));
        Assert.All(deadLetters, d => Assert.Equal(Topics.SensorReadings, d.SourceTopic));
        Assert.Contains(deadLetters, d => d.Value == "{not json");

        // A second consumer group replays the whole topic: nothing new is stored, everything is a duplicate or rejected again.
        var replay = new IngestCounters();
        await RunWorkerUntilSettledAsync(broker.BootstrapServers, new KafkaOptions { GroupId = "replay" }, db, registry, replay, summary.Messages + bad.Readings);
        Assert.Equal(0, replay.Stored);
        Assert.Equal(counters.Stored, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM sensor_readings"));

        var means = await DistrictDailyMean.QueryAsync(db, DateOnly.FromDateTime(Start.DateTime), DateOnly.FromDateTime(Start.DateTime), CancellationToken.None);
        Assert.Equal(registry.Districts.Select(d => d.DistrictId).Order(), means.Select(m => m.DistrictId).Order());
        Assert.All(means, m => Assert.InRange(m.Pm25Ugm3, 5, 300));
        Assert.Equal(registry.Sensors.Count, means.Sum(m => m.Sensors));
    }

    static async Task RunWorkerUntilSettledAsync(string bootstrap, KafkaOptions kafka, NpgsqlDataSource db, CityRegistry registry, IngestCounters counters, long expected)
    {
        var options = new IngestOptions { Linger = TimeSpan.FromMilliseconds(100), MaxAge = TimeSpan.FromDays(4000) };
        var validator = new MessageValidator(new KnownIds(registry.Sensors.Select(s => s.SensorId)), new KnownIds(registry.Sources.Select(s => s.SourceId)), options, TimeProvider.System);
        var worker = new IngestWorker(bootstrap, kafka, options, db, validator, counters, NullLogger.Instance, TimeProvider.System);
        using var stop = new CancellationTokenSource();
        var running = worker.RunAsync(stop.Token);
        // Bounded: the counters advance after each commit; a worker that dies or stalls fails the test instead of hanging it.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (counters.Settled < expected && !running.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await stop.CancelAsync();
        await running;
        Assert.Equal(expected, counters.Settled);
    }

    static async Task<(long Readings, long Duplicates, Dictionary<string, long> RejectedByReason)> ProduceBadAndRepeatedMessagesAsync(string bootstrap)
    {
        var at = Start.AddHours(1).ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ");
        string[] messages =
        [
            "{not json",
            "",
            $$"""{"sensor_id":"NOT-A-SENSOR","observed_at":"{{at}}","pm25":10}""",
            $$"""{"sensor_id":"S0001","observed_at":"{{at}}","pm25":-3}""",
            $$"""{"sensor_id":"S0001","observed_at":"{{at}}","pm25":12}""", // the simulator sent S0001 at this hour already
            $$"""{"gateway_id":"G7","readings":[{"sensor_id":"S0002","observed_at":"2026-11-01T00:00:30Z","pm25":20},{"sensor_id":"S0002","observed_at":"{{at}}"}]}""",
        ];
        using var producer = new ProducerBuilder<string, byte[]>(KafkaClients.Producer(bootstrap, new KafkaOptions())).Build();
        foreach (var m in messages)
        {
            await producer.ProduceAsync(Topics.SensorReadings, new Message<string, byte[]> { Key = "test", Value = Encoding.UTF8.GetBytes(m) });
        }

        var rejected = new Dictionary<string, long>
        {
            [RejectReason.MalformedJson] = 2,
            [RejectReason.UnknownSensor] = 1,
            [RejectReason.OutOfRange] = 1,
            [RejectReason.MissingField] = 1,
        };
        return (Readings: 7, Duplicates: 1, rejected);
    }

    static List<(string Reason, string SourceTopic, string Value)> ReadDeadLetters(string bootstrap, int count)
    {
        var config = KafkaClients.Consumer(bootstrap, new KafkaOptions { GroupId = "dead-letter-reader" });
        using var consumer = new ConsumerBuilder<string, byte[]>(config).Build();
        consumer.Subscribe(Topics.DeadLetter);
        var letters = new List<(string, string, string)>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (letters.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: { } m })
            {
                string Header(string key) => Encoding.UTF8.GetString(m.Headers.GetLastBytes(key));
                letters.Add((Header("airq-reason"), Header("airq-source-topic"), Encoding.UTF8.GetString(m.Value ?? [])));
            }
        }

        consumer.Close();
        return letters;
    }
}
