using System.Diagnostics;
using AirQuality.Aggregation;
using AirQuality.Contracts;
using AirQuality.Development;
using AirQuality.Ingest.Kafka;
using AirQuality.Ingest.Validation;
using AirQuality.Ingest;
using AirQuality.Simulation;
using AirQuality.Storage.Registry;
using AirQuality.Tests.Support;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit;

namespace AirQuality.IntegrationTests;

/// <summary>An embedded broker with the pipeline's topics, a migrated database holding the shipped registry, and ways to run workers against them.</summary>
sealed class IngestHarness : IAsyncDisposable
{
    /// <summary>
    /// The workers' group protocol: classic unless AIRQ_TEST_KAFKA_GROUP_PROTOCOL says consumer, which runs the same
    /// fault-tolerance tests under KIP-848 (docs/configuration.md says when that was last done and what it gave).
    /// </summary>
    static readonly string GroupProtocol = Environment.GetEnvironmentVariable("AIRQ_TEST_KAFKA_GROUP_PROTOCOL") ?? "classic";

    public static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(8));

    IngestHarness(EmbeddedBroker broker, NpgsqlDataSource database, CityRegistry registry)
    {
        Broker = broker;
        Database = database;
        Registry = registry;
    }

    public EmbeddedBroker Broker { get; }
    public NpgsqlDataSource Database { get; }
    public CityRegistry Registry { get; }

    public static async Task<IngestHarness> StartAsync(PostgresFixture postgres)
    {
        var broker = EmbeddedBroker.Start();
        foreach (var topic in Topics.All)
        {
            broker.CreateTopic(topic, Topics.DefaultPartitions);
        }

        var database = await postgres.NewDatabaseAsync();
        var registry = TestRegistry.Shipped();
        await new RegistryStore(database).UpsertAsync(registry, CancellationToken.None);
        return new IngestHarness(broker, database, registry);
    }

    public Task<SimulationSummary> SimulateAsync(DateTimeOffset from, TimeSpan duration, double speed = 0, FaultOptions? faults = null, int seed = 11) =>
        new GatewaySimulator(Broker.BootstrapServers, new KafkaOptions(), TimeProvider.System)
            .RunAsync(Registry, new SimulationOptions(from, duration, seed, speed, faults), CancellationToken.None);

    public IngestWorker Worker(IngestCounters counters, string group = "airq-ingest", IngestOptions? options = null, string? bootstrap = null)
    {
        options ??= new IngestOptions { MaxAge = TimeSpan.FromDays(4000), RetryDelay = TimeSpan.FromMilliseconds(200), MaxRetryDelay = TimeSpan.FromSeconds(2) };
        var validator = new MessageValidator(new KnownIds(Registry.Sensors.Select(s => s.SensorId)), new KnownIds(Registry.Sources.Select(s => s.SourceId)), options, TimeProvider.System);
        return new IngestWorker(bootstrap ?? Broker.BootstrapServers, new KafkaOptions { GroupId = group, GroupProtocol = GroupProtocol }, options, Database, validator, counters, NullLogger.Instance, TimeProvider.System, new HourlyRollup());
    }

    /// <summary>Runs a worker until its counters have settled <paramref name="expected"/> records, then stops it; bounded so a stalled worker fails the test.</summary>
    public async Task RunUntilSettledAsync(IngestCounters counters, long expected, string group = "airq-ingest", string? bootstrap = null)
    {
        using var stop = new CancellationTokenSource();
        var running = Worker(counters, group, bootstrap: bootstrap).RunAsync(stop.Token);
        await Until(() => counters.Settled >= expected || running.IsCompleted, TimeSpan.FromMinutes(2));
        await stop.CancelAsync();
        await running;
        Assert.Equal(expected, counters.Settled);
    }

    public async Task<long> StoredRowsAsync()
    {
        await using var connection = await Database.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT (SELECT count(*) FROM sensor_readings) + (SELECT count(*) FROM source_telemetry)");
    }

    /// <summary>Polls <paramref name="condition"/> every 20 ms; fails the test when it does not hold within <paramref name="limit"/>.</summary>
    public static async Task Until(Func<bool> condition, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < limit, $"The condition did not hold within {limit}.");
            await Task.Delay(20);
        }
    }

    public static async Task Until(Func<Task<bool>> condition, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < limit, $"The condition did not hold within {limit}.");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        Broker.Dispose();
    }
}
