using AirQuality.Contracts;
using AirQuality.Development;
using AirQuality.Ingest.Kafka;
using AirQuality.Storage.Registry;
using AirQuality.Storage;

namespace AirQuality.Cli.Commands;

/// <summary>
/// What <c>bench ingest</c> and <c>bench scale</c> both start from: a broker (embedded, with the readings topic spread
/// over many partitions, unless a cluster is configured) and a fresh migrated database holding the shipped registry.
/// </summary>
sealed class IngestBenchSetup : IAsyncDisposable
{
    /// <summary>The embedded broker keeps a bounded log per partition and drops the oldest messages beyond it; spread over 16 partitions a backlog of millions fits.</summary>
    public const int ReadingPartitions = 16;

    IngestBenchSetup(EmbeddedBroker? broker, string bootstrap, ScratchDatabase scratch, CityRegistry registry, DatabaseInfo info) =>
        (Broker, Bootstrap, Scratch, Registry, Info) = (broker, bootstrap, scratch, registry, info);

    public EmbeddedBroker? Broker { get; }

    public string Bootstrap { get; }

    public ScratchDatabase Scratch { get; }

    public CityRegistry Registry { get; }

    public DatabaseInfo Info { get; }

    public static async Task<IngestBenchSetup> StartAsync(AirqEnvironment env, CancellationToken cancellationToken)
    {
        // A configured cluster is used as it is.
        var broker = env.Configuration.Kafka.BootstrapServers is { Length: > 0 } ? null : EmbeddedBroker.Start();
        try
        {
            broker?.CreateTopic(Topics.SensorReadings, ReadingPartitions);
            broker?.CreateTopic(Topics.SourceTelemetry, Topics.DefaultPartitions);
            broker?.CreateTopic(Topics.DeadLetter, Topics.DefaultPartitions);
            var server = await env.ServerAsync(cancellationToken);
            var scratch = await BenchCommand.FreshDatabaseAsync(server, env.ConnectionString!, cancellationToken);
            await new Migrator(scratch.DataSource, env.Configuration.Database).MigrateAsync(null, cancellationToken);
            var registry = RegistryCsv.Load(AirqEnvironment.DefaultRegistryDirectory);
            await new RegistryStore(scratch.DataSource).UpsertAsync(registry, cancellationToken);
            var info = await DatabaseInfo.ReadAsync(scratch.DataSource, cancellationToken);
            return new IngestBenchSetup(broker, broker?.BootstrapServers ?? env.Configuration.Kafka.BootstrapServers!, scratch, registry, info);
        }
        catch
        {
            broker?.Dispose();
            throw;
        }
    }

    /// <summary>"plain PostgreSQL" or "TimescaleDB 2.x", for the benchmark's machine line.</summary>
    public string DatabaseKind => Info.TimescaleVersion is null ? "plain PostgreSQL" : $"TimescaleDB {Info.TimescaleVersion}";

    public async ValueTask DisposeAsync()
    {
        await Scratch.DisposeAsync();
        Broker?.Dispose();
    }
}
