using System.Text;
using AirQuality.Aggregation;
using AirQuality.Contracts;
using AirQuality.Ingest;
using AirQuality.Ingest.Kafka;
using AirQuality.Simulation;
using AirQuality.Ingest.Validation;
using AirQuality.Tests.Support;
using Confluent.Kafka;
using Dapper;
using Xunit;

namespace AirQuality.IntegrationTests;

/// <summary>The walking skeleton end to end: simulator → Kafka protocol (embedded broker) → ingest worker → PostgreSQL → district means.</summary>
[Collection(ProcessTests.Name)]
public sealed class PipelineTests(PostgresFixture postgres)
{
    static readonly DateTimeOffset Start = IngestHarness.Start;

    [Fact]
    public async Task A_running_worker_folds_the_hourly_sums_it_staged_into_sensor_hourly_every_fold_interval()
    {
        await using var harness = await IngestHarness.StartAsync(postgres);
        var summary = await harness.SimulateAsync(Start, TimeSpan.FromHours(2));
        var counters = new IngestCounters();
        var options = new IngestOptions { MaxAge = TimeSpan.FromDays(4000), FoldInterval = TimeSpan.FromMilliseconds(200) };
        using var stop = new CancellationTokenSource();
        var running = harness.Worker(counters, options: options).RunAsync(stop.Token);
        await IngestHarness.Until(() => counters.Settled >= summary.Messages || running.IsCompleted, TimeSpan.FromMinutes(2));

        // Still running: sensor_hourly catches up with every stored reading, and nothing stays staged.
        await using var connection = await harness.Database.OpenConnectionAsync();
        await IngestHarness.Until(async () =>
            await connection.ExecuteScalarAsync<long>("SELECT coalesce(sum(pm25_readings), 0) FROM sensor_hourly") ==
            await connection.ExecuteScalarAsync<long>("SELECT count(pm25_ugm3) FROM sensor_readings"), TimeSpan.FromSeconds(30));
        Assert.False(running.IsCompleted);
        Assert.True(counters.StoredReadings > 0);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM sensor_hourly_pending"));
        Assert.Equal(
            await connection.ExecuteScalarAsync<long>("SELECT count(DISTINCT date_bin('1 hour', observed_at - interval '1 microsecond', timestamptz '2000-01-01 00:00:00+00')) FROM sensor_readings"),
            await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM aggregation_dirty_hours"));
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task Every_message_is_stored_once_counted_as_a_duplicate_or_dead_lettered_and_the_counts_reconcile()
    {
        await using var harness = await IngestHarness.StartAsync(postgres);
        var faults = new FaultOptions(Malformed: 0.01, Duplicate: 0.02, Late: 0.01, OutOfOrder: 0.02, UnknownSensor: 0.005);
        var summary = await harness.SimulateAsync(Start, TimeSpan.FromHours(3), faults: faults);
        var bad = await ProduceHandMadeBadMessagesAsync(harness.Broker.BootstrapServers);

        var counters = new IngestCounters();
        await harness.RunUntilSettledAsync(counters, summary.Messages + bad.Records);

        Assert.Equal(0, summary.DeliveryFailures);
        Assert.All(new[] { summary.Malformed, summary.Duplicated, summary.Late, summary.OutOfOrder, summary.UnknownSensor }, n => Assert.True(n > 0));
        Assert.Equal(summary.Messages + bad.Records, counters.Stored + counters.Duplicates + counters.Rejected);
        Assert.Equal(summary.ExpectedStored + bad.Stored, counters.Stored);
        Assert.Equal(summary.ExpectedDuplicates + bad.Duplicates, counters.Duplicates);
        Assert.Equal(
            new Dictionary<string, long>
            {
                [RejectReason.MalformedJson] = summary.Malformed + 2,
                [RejectReason.UnknownSensor] = summary.UnknownSensor + 1,
                [RejectReason.OutOfRange] = 1,
                [RejectReason.MissingField] = 1,
            }.OrderBy(p => p.Key),
            counters.RejectedByReason.OrderBy(p => p.Key));
        Assert.Equal(counters.Stored, await harness.StoredRowsAsync());
        Assert.Equal(summary.TelemetryRecords, counters.StoredTelemetry);

        var deadLetters = ReadDeadLetters(harness.Broker.BootstrapServers, (int)counters.Rejected);
        Assert.Equal(counters.RejectedByReason.OrderBy(p => p.Key), deadLetters.GroupBy(d => d.Reason).Select(g => KeyValuePair.Create(g.Key, (long)g.Count())).OrderBy(p => p.Key));
        Assert.All(deadLetters, d => Assert.Equal(Topics.SensorReadings, d.SourceTopic));
        // Unchanged, key included: a key that is not UTF-8 comes back byte for byte.
        Assert.Equal(NotUtf8Key, Assert.Single(deadLetters, d => d.Value == "{not json").Key);

        // A second consumer group replays both topics: nothing new is stored.
        var replay = new IngestCounters();
        await harness.RunUntilSettledAsync(replay, summary.Messages + bad.Records, group: "replay");
        Assert.Equal(0, replay.Stored);
        Assert.Equal(counters.Stored, await harness.StoredRowsAsync());

        // The hourly sums the worker staged in the same transactions, folded when it stopped, count every stored
        // reading once, replay and duplicates included.
        await using (var connection = await harness.Database.OpenConnectionAsync())
        {
            Assert.Equal(
                await connection.ExecuteScalarAsync<long>("SELECT count(pm25_ugm3) FROM sensor_readings"),
                await connection.ExecuteScalarAsync<long>("SELECT sum(pm25_readings) FROM sensor_hourly"));
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM sensor_hourly_pending"));
        }

        var day = DateOnly.FromDateTime(Start.DateTime);
        await new Aggregator(harness.Database, new AggregationOptions(), TimeProvider.System).RunAsync(null, CancellationToken.None);
        var districts = await DistrictDay.QueryAsync(harness.Database, day, day, CancellationToken.None);
        Assert.Equal(harness.Registry.Districts.Select(d => d.DistrictId).Order(), districts.Select(m => m.DistrictId).Order());
        Assert.Equal(harness.Registry.Sensors.Count, districts.Sum(m => m.Sensors));
        // Three simulated hours are not the 20 valid hours a day needs: every district day is stored and flagged invalid.
        Assert.All(districts, m => Assert.False(m.Pm25Valid));
        await using (var connection = await harness.Database.OpenConnectionAsync())
        {
            var validHours = await connection.QuerySingleAsync<(long Hours, double Min, double Max)>(
                "SELECT count(*), min(pm25_ugm3), max(pm25_ugm3) FROM sensor_hourly_means WHERE pm25_valid");
            Assert.True(validHours.Hours >= 2 * harness.Registry.Sensors.Count, $"{validHours.Hours} valid sensor hours");
            Assert.InRange(validHours.Min, 1, validHours.Max);
            Assert.InRange(validHours.Max, validHours.Min, 1500);
        }
    }

    static async Task<(long Records, long Stored, long Duplicates)> ProduceHandMadeBadMessagesAsync(string bootstrap)
    {
        var at = Start.AddHours(1).ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ");
        string[] messages =
        [
            "{not json",
            "",
            $$"""{"sensor_id":"NOT-A-SENSOR","observed_at":"{{at}}","pm25":10}""",
            $$"""{"sensor_id":"S0001","observed_at":"{{at}}","pm25":-3}""",
            """{"sensor_id":"S0027","observed_at":"2026-10-31T10:00:00Z","pm25":12}""", // outside the simulated hours: stored,
            """{"sensor_id":"S0027","observed_at":"2026-10-31T10:00:00Z","pm25":12}""", // and the same again: a duplicate
            $$"""{"gateway_id":"G7","readings":[{"sensor_id":"S0002","observed_at":"2026-10-31T16:00:30Z","pm25":20},{"sensor_id":"S0002","observed_at":"{{at}}"}]}""",
        ];
        using var producer = new ProducerBuilder<byte[], byte[]>(KafkaClients.Producer(bootstrap, new KafkaOptions())).Build();
        foreach (var m in messages)
        {
            var key = m == "{not json" ? NotUtf8Key : "test"u8.ToArray();
            await producer.ProduceAsync(Topics.SensorReadings, new Message<byte[], byte[]> { Key = key, Value = Encoding.UTF8.GetBytes(m) });
        }

        return (Records: 8, Stored: 2, Duplicates: 1);
    }

    /// <summary>A gateway's key that is not valid UTF-8 (a string deserializer would replace these bytes).</summary>
    static readonly byte[] NotUtf8Key = [0xFF, 0x00, 0xC3, 0x28];

    static List<(string Reason, string SourceTopic, string Value, byte[]? Key)> ReadDeadLetters(string bootstrap, int count)
    {
        var config = KafkaClients.Consumer(bootstrap, new KafkaOptions { GroupId = "dead-letter-reader" });
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).Build();
        consumer.Subscribe(Topics.DeadLetter);
        var letters = new List<(string, string, string, byte[]?)>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (letters.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: { } m })
            {
                string Header(string key) => Encoding.UTF8.GetString(m.Headers.GetLastBytes(key));
                letters.Add((Header("airq-reason"), Header("airq-source-topic"), Encoding.UTF8.GetString(m.Value ?? []), m.Key));
            }
        }

        consumer.Close();
        return letters;
    }
}
