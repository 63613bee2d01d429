using System.CommandLine;
using AirQuality.Aggregation;
using AirQuality.Benchmarks;
using AirQuality.Contracts;
using AirQuality.Ingest.Kafka;
using AirQuality.Storage;
using AirQuality.Ingest;
using AirQuality.Storage.Registry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AirQuality.Cli.Commands;

/// <summary><c>airq bench ingest</c>, <c>scale</c>, <c>aggregate</c>, <c>fuzz</c> and <c>console</c>: measurements side by side in one run.</summary>
static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure throughput and latency (long-running; not part of the tests).");
        var readings = new Option<long>("--readings") { Description = "Readings in the backlog to ingest.", DefaultValueFactory = _ => 2_000_000 };
        var warmup = new Option<long>("--warmup") { Description = "Readings ingested first and not timed, by the same worker stopped and restarted, so it is measured as it runs once its code is compiled and optimised (the timing phase prints how much was still compiled during it).", DefaultValueFactory = _ => 1_500_000 };
        var perMessage = new Option<int>("--per-message") { Description = "Readings per Kafka message: 1 sends each alone; more sends gateway batches ({\"gateway_id\": ..., \"readings\": [...]}).", DefaultValueFactory = _ => 1 };
        var rate = new Option<double>("--rate") { Description = "Steady produce rate, readings/s, for the latency measurement.", DefaultValueFactory = _ => 10_000 };
        var seconds = new Option<int>("--seconds") { Description = "How long the steady phase lasts.", DefaultValueFactory = _ => 20 };
        var ingest = new Command("ingest", "Ingest a backlog of readings through Kafka into a fresh database, then measure latency at a steady rate, against a plain COPY ceiling.")
        {
            readings, warmup, perMessage, rate, seconds,
        };
        ingest.SetAction((parse, ct) => AirqCommandLine.RunAsync(async token =>
        {
            var count = parse.GetValue(readings);
            if (count is < 10_000 or > 50_000_000)
            {
                throw new UsageException("--readings must be between 10,000 and 50,000,000.");
            }

            var warm = parse.GetValue(warmup);
            if (warm is < 0 or > 10_000_000)
            {
                throw new UsageException("--warmup must be between 0 and 10,000,000 readings.");
            }

            var batch = parse.GetValue(perMessage);
            if (batch is < 1 or > 1000)
            {
                throw new UsageException("--per-message must be between 1 and 1,000 readings.");
            }

            using var host = await ServerHostAsync(token);
            var services = host.Services;
            await using var setup = await IngestBenchSetup.StartAsync(services, token);
            var (bootstrap, database, registry) = (setup.Bootstrap, setup.Scratch.DataSource, setup.Registry);
            var benchmark = new IngestBenchmark(bootstrap, services.GetRequiredService<KafkaOptions>(), database, registry, services.GetRequiredService<IngestOptions>(),
                services.GetRequiredService<ILoggerFactory>(), services.GetRequiredService<TimeProvider>(), new HourlyRollup())
            {
                ReadingsPerMessage = batch,
            };
            var result = await benchmark.RunAsync(count, warm, parse.GetValue(rate), TimeSpan.FromSeconds(parse.GetValue(seconds)), Progress.Line, token);
            Console.WriteLine();
            Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}; database {setup.DatabaseKind}; broker {bootstrap}; topic {Topics.SensorReadings}{(setup.Broker is null ? "" : $", {IngestBenchSetup.ReadingPartitions} partitions")}; {Batching(services.GetRequiredService<IngestOptions>())}; {batch} reading{(batch == 1 ? "" : "s")} per message.");
            Console.WriteLine($"Produce (backlog):           {result.ProduceReadingsPerSecond,12:N0} readings/s");
            Console.WriteLine($"End to end (consume→commit): {result.EndToEndReadingsPerSecond,12:N0} readings/s for {result.Readings:N0} readings, after {result.WarmupReadings:N0} to warm up");
            Console.WriteLine($"Ceiling (plain binary COPY): {result.CopyCeilingMean,12:N0} rows/s, same rows, same table (mean of {result.CopyCeilingRowsPerSecond.Before:N0} before the worker and {result.CopyCeilingRowsPerSecond.After:N0} after)");
            Console.WriteLine($"End to end / ceiling:        {result.RatioToCeiling,12:P0}");
            Console.WriteLine($"CPU per reading, end to end:  {Cpu(result.CpuPerReading, "worker and embedded broker")}");
            Console.WriteLine($"Allocated per reading:        {result.Allocations.BytesPerItem,5:N0} bytes; garbage collections {result.Allocations.Gen0:N0} gen0, {result.Allocations.Gen1:N0} gen1, {result.Allocations.Gen2:N0} gen2, pausing {result.Allocations.Paused.TotalSeconds:N1} s");
            Console.WriteLine($"Compiled during the timing:   {result.Compilation.Methods:N0} methods, {result.Compilation.Time.TotalSeconds:N2} s (tiered compilation; near 0 once the warm-up is long enough)");
            Console.WriteLine($"CPU per row, ceiling:         {Cpu(result.CeilingCpuPerRow, "the COPY client")}");
            Console.WriteLine($"Latency produce→commit at {result.SteadyRate:N0}/s ({result.SteadyReadings:N0} readings): p50 {result.P50Millis} ms, p99 {result.P99Millis} ms; garbage collections meanwhile {result.SteadyCollections.Gen0:N0} gen0, {result.SteadyCollections.Gen1:N0} gen1, {result.SteadyCollections.Gen2:N0} gen2, pausing {result.SteadyCollections.Paused.TotalMilliseconds:N0} ms");
            Console.WriteLine($"Memory:                       working set {Environment.WorkingSet / 1e6:N0} MB now, {System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:N0} MB at most ({(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC)");
            return 0;
        }, ct));
        bench.Subcommands.Add(ingest);
        bench.Subcommands.Add(Scale());
        bench.Subcommands.Add(Aggregate());
        bench.Subcommands.Add(CalibrationBench.Create());
        bench.Subcommands.Add(FuzzBenchmark.Create());
        bench.Subcommands.Add(ConsoleBenchmark.Create());
        return bench;
    }

    /// <summary>"batch size 5,000; 2 writers": the worker settings a run was measured with.</summary>
    static string Batching(AirQuality.Ingest.IngestOptions ingest) =>
        $"batch size {ingest.BatchSize:N0}; {ingest.Writers} writer{(ingest.Writers == 1 ? "" : "s")}";

    /// <summary>"31.2 µs on the machine, 14.9 µs of them in this process" (the rest is PostgreSQL and anything else running).</summary>
    static string Cpu((TimeSpan? Machine, TimeSpan Process) perItem, string process) =>
        perItem.Machine is { } machine
            ? $"{machine.TotalMicroseconds,5:0.0} µs on the machine, {perItem.Process.TotalMicroseconds:0.0} µs of them in this process ({process})"
            : $"{perItem.Process.TotalMicroseconds,5:0.0} µs in this process ({process}; the machine's total could not be read)";

    static Command Scale()
    {
        var readings = new Option<long>("--readings") { Description = "Readings in the backlog each run ingests.", DefaultValueFactory = _ => 1_000_000 };
        var processes = new Option<int>("--processes") { Description = "Runs with 1, 2, ... up to this many airq ingest processes in one consumer group.", DefaultValueFactory = _ => 2 };
        var command = new Command("scale", "Ingest the same backlog with 1, 2, ... separate airq ingest processes in one consumer group, one run after the other: throughput against workers.")
        {
            readings, processes,
        };
        command.SetAction((parse, ct) => AirqCommandLine.RunAsync(async token =>
        {
            var count = parse.GetValue(readings);
            var most = parse.GetValue(processes);
            if (count is < 10_000 or > 10_000_000)
            {
                throw new UsageException("--readings must be between 10,000 and 10,000,000.");
            }

            if (most is < 1 or > 16)
            {
                throw new UsageException("--processes must be between 1 and 16.");
            }

            using var host = await ServerHostAsync(token);
            var services = host.Services;
            await using var setup = await IngestBenchSetup.StartAsync(services, token);
            var (bootstrap, scratch, registry) = (setup.Bootstrap, setup.Scratch, setup.Registry);

            Progress.Line($"Producing {count:N0} readings to {Topics.SensorReadings} ({IngestBenchSetup.ReadingPartitions} partitions) once, for every run ...");
            await new IngestBenchmark(bootstrap, services.GetRequiredService<KafkaOptions>(), scratch.DataSource, registry, services.GetRequiredService<IngestOptions>(),
                services.GetRequiredService<ILoggerFactory>(), services.GetRequiredService<TimeProvider>())
                .ProduceBacklogAsync(count, token);
            var connectionString = new NpgsqlConnectionStringBuilder(services.GetRequiredService<DatabaseServer>().ConnectionString) { Database = new NpgsqlConnectionStringBuilder(scratch.DataSource.ConnectionString).Database }.ConnectionString;
            var benchmark = new ScaleBenchmark(bootstrap, connectionString, scratch.DataSource, IngestBenchSetup.ReadingPartitions + Topics.DefaultPartitions, Progress.Line);
            var runs = new List<ScaleRun>();
            for (var n = 1; n <= most; n++)
            {
                Progress.Line($"Run with {n} ingest process(es):");
                runs.Add(await benchmark.RunAsync(n, count, token));
            }

            Console.WriteLine();
            Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}; database {setup.DatabaseKind}; broker {bootstrap}{(setup.Broker is null ? "" : " (embedded, in this process)")}; {IngestBenchSetup.ReadingPartitions} readings partitions; {Batching(services.GetRequiredService<IngestOptions>())}.");
            Console.WriteLine("Processes  Readings timed  Seconds  Readings/s  vs 1 process  Load average (1 min) at the end");
            foreach (var run in runs)
            {
                Console.WriteLine($"{run.Processes,9}  {run.Readings,14:N0}  {run.Seconds,7:0.0}  {run.ReadingsPerSecond,10:N0}  {run.ReadingsPerSecond / runs[0].ReadingsPerSecond,11:0.00}x  {run.LoadAverage}");
            }

            return 0;
        }, ct));
        return command;
    }

    static Command Aggregate()
    {
        var readings = new Option<long>("--readings") { Description = "Readings to generate for the shipped registry's sensors.", DefaultValueFactory = _ => 10_000_000 };
        var command = new Command("aggregate", "Time the columnar aggregation against PostgreSQL, an in-process DuckDB and a naive per-row reduction, and the whole refresh against the same outputs in SQL.") { readings };
        command.SetAction((parse, ct) => AirqCommandLine.RunAsync(async token =>
        {
            var count = parse.GetValue(readings);
            if (count is < 100_000 or > 100_000_000)
            {
                throw new UsageException("--readings must be between 100,000 and 100,000,000.");
            }

            using var host = await ServerHostAsync(token);
            var services = host.Services;
            await using var scratch = await FreshDatabaseAsync(services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<DatabaseServer>().ConnectionString, token);
            await new Migrator(scratch.DataSource, services.GetRequiredService<DatabaseOptions>()).MigrateAsync(null, token);
            await new RegistryStore(scratch.DataSource).UpsertAsync(RegistryCsv.Load(AirqConfiguration.DefaultRegistryDirectory), token);
            var info = await DatabaseInfo.ReadAsync(scratch.DataSource, token);
            var r = await new AggregateBenchmark(scratch.DataSource, services.GetRequiredService<AggregationOptions>(), services.GetRequiredService<TimeProvider>()).RunAsync(count, Progress.Line, token);
            Console.WriteLine();
            Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, SIMD {System.Numerics.Vector<byte>.Count * 8}-bit; database {(info.TimescaleVersion is null ? "plain PostgreSQL" : $"TimescaleDB {info.TimescaleVersion}")}.");
            Console.WriteLine($"{r.Readings:N0} readings, {r.HourlyRows:N0} sensor hours, {r.Days} local days.");
            Console.WriteLine("Hourly reduction (readings/s):");
            Console.WriteLine($"  columnar, PM2.5:                        {r.ColumnarOneRowsPerSecond,15:N0}   {r.ColumnarOneRowsPerSecond / r.PostgresOneRowsPerSecond,7:0.0}x PostgreSQL");
            Console.WriteLine($"  columnar, 6 pollutants, counts, valid:  {r.ColumnarAllRowsPerSecond,15:N0}   {r.ColumnarAllRowsPerSecond / r.PostgresAllRowsPerSecond,7:0.0}x PostgreSQL   {r.ColumnarAllRowsPerSecond / r.NaiveAllRowsPerSecond,5:0.0}x naive");
            Console.WriteLine($"  naive per-row, 6 pollutants:            {r.NaiveAllRowsPerSecond,15:N0}");
            Console.WriteLine($"  PostgreSQL GROUP BY hour, PM2.5:        {r.PostgresOneRowsPerSecond,15:N0}");
            Console.WriteLine($"  PostgreSQL GROUP BY hour, 6 pollutants: {r.PostgresAllRowsPerSecond,15:N0}");
            Console.WriteLine($"  DuckDB GROUP BY hour, PM2.5:            {r.DuckDbOneRowsPerSecond,15:N0}   kernel {r.ColumnarOneRowsPerSecond / r.DuckDbOneRowsPerSecond:0.0}x DuckDB");
            Console.WriteLine($"  DuckDB GROUP BY hour, 6 pollutants:     {r.DuckDbAllRowsPerSecond,15:N0}   kernel {r.ColumnarAllRowsPerSecond / r.DuckDbAllRowsPerSecond:0.0}x DuckDB");
            Console.WriteLine("Daily means and valid hours per sensor from the raw readings (the same SQL in both):");
            Console.WriteLine($"  PostgreSQL: {r.PostgresDailySeconds,7:0.00} s   DuckDB: {r.DuckDbDailySeconds,7:0.00} s   (DuckDB loaded in {r.DuckDbLoadSeconds:0.00} s; its hourly sums equal the kernel's and its {r.DuckDbDaysChecked:N0} sensor days equal sensor_daily)");
            Console.WriteLine("Whole refresh (hourly, daily, district, city, AQI for every pollutant, then year over year):");
            Console.WriteLine($"  from the hourly sums ingest keeps:      {r.RefreshSeconds,9:0.00} s");
            Console.WriteLine($"  PostgreSQL alone from the raw readings: {r.SqlRefreshSeconds,9:0.00} s   -> the columnar refresh is {r.RefreshSpeedup:0.0}x faster");
            Console.WriteLine($"  what keeping the hourly sums adds to ingest: {r.RollupSeconds:0.00} s for all readings in {5000:N0}-reading batches, against {r.CopySeconds:0.00} s to COPY them ({r.RollupSeconds / r.CopySeconds:P0})");
            return 0;
        }, ct));
        return command;
    }

    /// <summary>The server whatever its schema: a benchmark measures in a scratch database of its own, migrated there.</summary>
    internal static Task<IHost> ServerHostAsync(CancellationToken cancellationToken) =>
        AirqHost.BuildAsync(AirqConfiguration.Load(), new Dictionary<string, string?>(), new HostNeeds(DatabaseMode.ServerOnly), cancellationToken);

    /// <summary>A new database beside the configured one, so a benchmark never touches real data; dropped when disposed.</summary>
    internal static async Task<ScratchDatabase> FreshDatabaseAsync(NpgsqlDataSource server, string serverConnectionString, CancellationToken cancellationToken)
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
