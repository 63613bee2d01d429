using System.CommandLine;
using System.Globalization;
using System.Text;
using AirQuality.Analytics;
using AirQuality.Ingest;
using AirQuality.Ingest.Simulation;
using AirQuality.Storage.Registry;

namespace AirQuality.Cli.Commands;

/// <summary><c>airq demo</c>: the whole walking skeleton in one process on the embedded defaults.</summary>
static class DemoCommand
{
    public static Command Create()
    {
        var simulation = new SimulationArguments();
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the demo's outputs.", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(".airq", "demo")) };
        var command = new Command("demo", "Simulate a day of the city, ingest it through Kafka into the database and print each district's PM2.5 daily mean.") { output };
        simulation.AddTo(command);
        command.SetAction((parse, ct) => AirqCommandLine.RunAsync(async (env, token) =>
        {
            var options = simulation.Read(parse, env.Time);
            var bootstrap = env.KafkaBootstrap(embeddedAllowed: true);
            var dataSource = await env.DatabaseAsync(token, migrate: true);
            var registry = RegistryCsv.Load(AirqEnvironment.DefaultRegistryDirectory);
            await new RegistryStore(dataSource).UpsertAsync(registry, token);
            Console.WriteLine($"Registry: {registry.Districts.Count} districts, {registry.Sensors.Count} sensors, {registry.Sources.Count} pollution sources.");

            var counters = new IngestCounters();
            using var stopIngest = CancellationTokenSource.CreateLinkedTokenSource(token);
            var (worker, refreshing) = await IngestCommand.CreateWorkerAsync(env, bootstrap, counters, stopIngest.Token);
            var ingesting = worker.RunAsync(stopIngest.Token);
            var simulator = new GatewaySimulator(bootstrap, env.Configuration.Kafka, env.Time);
            Console.WriteLine($"Simulating {options.Duration.TotalDays:0.##} day(s) from {options.Start:yyyy-MM-dd HH:mm zzz} (seed {options.Seed}) ...");
            SimulationSummary summary;
            using (Progress.Every(TimeSpan.FromSeconds(2), () => $"  sent {simulator.Sent:N0}; {counters}", token))
            {
                summary = await simulator.RunAsync(registry, options, token);
                Console.WriteLine($"  all {summary.Messages:N0} messages sent; waiting for ingest to settle them ...");
                await WaitUntilSettledAsync(counters, summary.Messages, ingesting, token);
            }

            await stopIngest.CancelAsync();
            await ingesting;
            await refreshing;
            Console.WriteLine($"Ingest: {counters}");
            Console.WriteLine($"Reconciled: {summary.Messages:N0} sent = {counters.Stored:N0} stored + {counters.Duplicates:N0} duplicates + {counters.Rejected:N0} rejected.");

            var firstDay = DateOnly.FromDateTime(options.Start.DateTime);
            var lastDay = DateOnly.FromDateTime((options.Start + options.Duration - TimeSpan.FromSeconds(1)).DateTime);
            var means = await DistrictDailyMean.QueryAsync(dataSource, firstDay, lastDay, token);
            var outDir = parse.GetValue(output)!;
            outDir.Create();
            var csvPath = Path.Combine(outDir.FullName, "district-daily-means.csv");
            await File.WriteAllTextAsync(csvPath, ToCsv(means), token);
            PrintMeans(means);
            Console.WriteLine();
            Console.WriteLine("Outputs:");
            Console.WriteLine($"  district daily means (CSV): {csvPath}");
            Console.WriteLine($"  database: {(env.Configuration.Database.ConnectionString is { Length: > 0 } ? "AIRQ_DB" : $"private cluster in {Path.GetFullPath(env.Configuration.Database.DataDirectory)} (./airq db info)")}, tables sensor_readings, sensors, districts");
            return 0;
        }, ct));
        return command;
    }

    static async Task WaitUntilSettledAsync(IngestCounters counters, long expected, Task ingesting, CancellationToken cancellationToken)
    {
        // Polls a counter the worker advances after each commit; the worker's own failure ends the wait too.
        while (counters.Settled < expected)
        {
            if (ingesting.IsCompleted)
            {
                await ingesting;
                throw new InvalidOperationException($"The ingest worker stopped after settling {counters.Settled:N0} of {expected:N0} readings.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    static void PrintMeans(IReadOnlyList<DistrictDailyMean> means)
    {
        Console.WriteLine();
        Console.WriteLine("PM2.5 daily mean by district (µg/m³, mean of sensor daily means):");
        foreach (var day in means.GroupBy(m => m.Day))
        {
            Console.WriteLine($"  {day.Key:yyyy-MM-dd}");
            foreach (var m in day)
            {
                Console.WriteLine($"    {m.DistrictName,-12} {m.Pm25Ugm3,6:0.0}   ({m.Sensors} sensors, {m.Readings:N0} readings)");
            }
        }
    }

    static string ToCsv(IReadOnlyList<DistrictDailyMean> means)
    {
        var sb = new StringBuilder("day,district_id,district_name,pm25_ugm3,sensors,readings\n");
        foreach (var m in means)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{m.Day:yyyy-MM-dd},{m.DistrictId},{m.DistrictName},{m.Pm25Ugm3:0.0},{m.Sensors},{m.Readings}\n");
        }

        return sb.ToString();
    }
}
