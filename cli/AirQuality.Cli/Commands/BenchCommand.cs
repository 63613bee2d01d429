using System.CommandLine;
using AirQuality.Analytics;
using AirQuality.Contracts;
using AirQuality.Ingest.Kafka;
using AirQuality.Ingest.Benchmarks;
using AirQuality.Storage;
using AirQuality.Storage.Registry;
using Npgsql;

namespace AirQuality.Cli.Commands;

/// <summary><c>airq bench ingest</c>: throughput and latency measurements, side by side in one run.</summary>
static class BenchCommand
{
    const int BenchPartitions = 16;

    public static Command Create()
    {
        var bench = new Command("bench", "Measure throughput and latency (long-running; not part of the tests).");
        var readings = new Option<long>("--readings") { Description = "Readings in the backlog to ingest.", DefaultValueFactory = _ => 2_000_000 };
        var rate = new Option<double>("--rate") { Description = "Steady produce rate, readings/s, for the latency measurement.", DefaultValueFactory = _ => 10_000 };
        var seconds = new Option<int>("--seconds") { Description = "How long the steady phase lasts.", DefaultValueFactory = _ => 20 };
        var ingest = new Command("ingest", "Ingest a backlog of readings through Kafka into a fresh database, then measure latency at a steady rate, against a plain COPY ceiling.")
        {
            readings, rate, seconds,
        };
        ingest.SetAction((parse, ct) => AirqCommandLine.RunAsync(async (env, token) =>
        {
            var count = parse.GetValue(readings);
            if (count is < 10_000 or > 50_000_000)
            {
                throw new UsageException("--readings must be between 10,000 and 50,000,000.");
            }

            // The embedded broker keeps a bounded log per partition and drops the oldest messages beyond it; spread
            // over 16 partitions a backlog of millions fits. A configured cluster is used as it is.
            using var broker = env.Configuration.Kafka.BootstrapServers is { Length: > 0 } ? null : EmbeddedBroker.Start();
            broker?.CreateTopic(Topics.SensorReadings, BenchPartitions);
            broker?.CreateTopic(Topics.SourceTelemetry, Topics.DefaultPartitions);
            broker?.CreateTopic(Topics.DeadLetter, Topics.DefaultPartitions);
            var bootstrap = broker?.BootstrapServers ?? env.Configuration.Kafka.BootstrapServers!;
            var server = await env.DatabaseAsync(token);
            await using var scratch = await FreshDatabaseAsync(server, env.ConnectionString!, token);
            var database = scratch.DataSource;
            await new Migrator(database, env.Configuration.Database).MigrateAsync(null, token);
            var registry = RegistryCsv.Load(AirqEnvironment.DefaultRegistryDirectory);
            await new RegistryStore(database).UpsertAsync(registry, token);
            var info = await DatabaseInfo.ReadAsync(database, token);

            var benchmark = new IngestBenchmark(bootstrap, env.Configuration.Kafka, database, registry, env.Configuration.Ingest, env.LoggerFactory, env.Time, new HourlyRollup());
            var result = await benchmark.RunAsync(count, parse.GetValue(rate), TimeSpan.FromSeconds(parse.GetValue(seconds)), AirqEnvironment.Progress, token);
            Console.WriteLine();
            Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}; database {(info.TimescaleVersion is null ? "plain PostgreSQL" : $"TimescaleDB {info.TimescaleVersion}")}; broker {bootstrap}; topic {Topics.SensorReadings}{(broker is null ? "" : $", {BenchPartitions} partitions")}; batch size {env.Configuration.Ingest.BatchSize:N0}.");
            Console.WriteLine($"Produce (backlog):           {result.ProduceReadingsPerSecond,12:N0} readings/s");
            Console.WriteLine($"End to end (consume→commit): {result.EndToEndReadingsPerSecond,12:N0} readings/s for {result.Readings:N0} readings");
            Console.WriteLine($"Ceiling (plain binary COPY): {result.CopyCeilingRowsPerSecond,12:N0} rows/s, same rows, same table");
            Console.WriteLine($"End to end / ceiling:        {result.RatioToCeiling,12:P0}");
            Console.WriteLine($"Latency produce→commit at {result.SteadyRate:N0}/s ({result.SteadyReadings:N0} readings): p50 {result.P50Millis} ms, p99 {result.P99Millis} ms");
            return 0;
        }, ct));
        bench.Subcommands.Add(ingest);
        return bench;
    }

    /// <summary>A new database beside the configured one, so a benchmark never touches real data; dropped when disposed.</summary>
    static async Task<ScratchDatabase> FreshDatabaseAsync(NpgsqlDataSource server, string serverConnectionString, CancellationToken cancellationToken)
    {
        var name = $"airq_bench_{Environment.ProcessId}";
        await using (var connection = await server.OpenConnectionAsync(cancellationToken))
        {
#pragma warning disable CA2100 // The name is built here from the process id.
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name}", connection);
            await drop.ExecuteNonQueryAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
#pragma warning restore CA2100
        }

        var builder = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name };
        return new ScratchDatabase(server, name, Database.CreateDataSource(builder.ConnectionString));
    }
}
