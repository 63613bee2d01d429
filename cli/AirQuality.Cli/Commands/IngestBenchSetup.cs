using AirQuality.Contracts;
using AirQuality.Development;
using AirQuality.Ingest.Kafka;
using AirQuality.Storage.Registry;
using AirQuality.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

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

    /// <summary>Starts the broker and makes the scratch database beside the server of <paramref name="services"/>, a host built with <see cref="DatabaseMode.ServerOnly"/>.</summary>
    public static async Task<IngestBenchSetup> StartAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        // A configured cluster is used as it is.
        var kafka = services.GetRequiredService<KafkaOptions>();
        var broker = kafka.BootstrapServers is { Length: > 0 } ? null : EmbeddedBroker.Start();
        try
        {
            broker?.CreateTopic(Topics.SensorReadings, ReadingPartitions);
            broker?.CreateTopic(Topics.SourceTelemetry, Topics.DefaultPartitions);
            broker?.CreateTopic(Topics.DeadLetter, Topics.DefaultPartitions);
            var scratch = await BenchCommand.FreshDatabaseAsync(services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<DatabaseServer>().ConnectionString, cancellationToken);
            await new Migrator(scratch.DataSource, services.GetRequiredService<DatabaseOptions>()).MigrateAsync(null, cancellationToken);
            var registry = RegistryCsv.Load(AirqConfiguration.DefaultRegistryDirectory);
            await new RegistryStore(scratch.DataSource).UpsertAsync(registry, cancellationToken);
            var info = await DatabaseInfo.ReadAsync(scratch.DataSource, cancellationToken);
            return new IngestBenchSetup(broker, broker?.BootstrapServers ?? kafka.BootstrapServers!, scratch, registry, info);
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
