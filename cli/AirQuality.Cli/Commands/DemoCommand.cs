using System.CommandLine;
using System.Globalization;
using System.Text;
using AirQuality.Aggregation;
using AirQuality.Aggregation.Calibration;
using AirQuality.Anomalies;
using AirQuality.Attribution;
using AirQuality.Attribution.Model;
using AirQuality.Reports;
using AirQuality.Ingest;
using AirQuality.Simulation;
using AirQuality.Simulation.Truth;
using AirQuality.Ingest.Kafka;
using AirQuality.Storage;
using AirQuality.Storage.Registry;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AirQuality.Cli.Commands;

/// <summary><c>airq demo</c>: the whole walking skeleton in one process on the embedded defaults.</summary>
static class DemoCommand
{
    public static Command Create()
    {
        // Two days by default: the day before gives yesterday's spikes a baseline to stand out from.
        var simulation = new SimulationArguments(defaultDays: 2, fromDefault: "the days ending yesterday");
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the demo's outputs.", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(".airq", "demo")) };
        var command = new Command("demo", "Simulate the last days of the city (two by default, ending yesterday) and the same days a year earlier, ingest them through Kafka, aggregate, print each district's daily figures and year-over-year change, detect yesterday's episodes and list the sources flagged for each next to the true culprit, and write each team's daily report.") { output };
        simulation.AddTo(command);
        command.SetAction((parse, ct) => AirqCommandLine.RunAsync(async token =>
        {
            // The embedded broker lives as long as this process, so offsets stored by an earlier demo mean nothing to it:
            // a consumer group of its own makes the worker start at the beginning of this broker's topics.
            using var host = await AirqHost.BuildAsync(AirqConfiguration.Load(), new Dictionary<string, string?> { ["Kafka:GroupId"] = $"airq-demo-{Guid.NewGuid():N}" },
                new HostNeeds(DatabaseMode.Migrated, BrokerMode.EmbeddedUnlessConfigured, Model: true), token);
            var services = host.Services;
            var time = services.GetRequiredService<TimeProvider>();
            var kafka = services.GetRequiredService<KafkaOptions>();
            var attribution = services.GetRequiredService<AttributionOptions>();
            var zone = services.GetRequiredService<AirqConfiguration>().Zone;
            var options = simulation.Read(parse, services.GetRequiredService<CityCalendar>());
            if (parse.GetResult(simulation.From) is null or { Implicit: true })
            {
                // Without --from the period ends with yesterday, the last whole day, which is the one detected and reported.
                options = options with { Start = options.Start.AddDays(1) - options.Duration };
            }

            var dataSource = services.GetRequiredService<NpgsqlDataSource>();
            var registry = RegistryCsv.Load(AirqConfiguration.DefaultRegistryDirectory);
            await services.GetRequiredService<RegistryStore>().UpsertAsync(registry, token);
            Console.WriteLine($"Registry: {registry.Districts.Count} districts, {registry.Sensors.Count} sensors, {registry.Sources.Count} pollution sources.");

            var counters = services.GetRequiredService<IngestCounters>();
            using var stopIngest = CancellationTokenSource.CreateLinkedTokenSource(token);
            var (worker, refreshing) = await IngestCommand.CreateWorkerAsync(services, stopIngest.Token);
            var ingesting = worker.RunAsync(stopIngest.Token);
            var simulator = new GatewaySimulator(kafka.BootstrapServers!, kafka, time);
            // The same days a year earlier first, so the year-over-year comparison has both sides.
            var lastYear = options with { Start = options.Start.AddYears(-1), Seed = options.Seed + 1, Faults = null };
            long messages;
            var truth = new List<Incident>();
            using (Progress.Every(TimeSpan.FromSeconds(2), () => $"  sent {simulator.Sent:N0}; {counters}", token))
            {
                foreach (var run in new[] { lastYear, options })
                {
                    Console.WriteLine($"Simulating {run.Duration.TotalDays:0.##} day(s) from {run.Start:yyyy-MM-dd HH:mm zzz} (seed {run.Seed}) ...");
                    var summary = await simulator.RunAsync(registry, run, token);
                    await GroundTruthStore.WriteTableAsync(dataSource, GroundTruthStore.SimulationName(run), summary.Incidents, token);
                    truth.AddRange(summary.Incidents);
                }

                messages = simulator.Sent;

                Console.WriteLine($"  all {messages:N0} messages sent; waiting for ingest to settle them ...");
                await WaitUntilSettledAsync(counters, messages, ingesting, token);
            }

            await stopIngest.CancelAsync();
            await ingesting;
            await refreshing;
            Console.WriteLine($"Ingest: {counters}");
            Console.WriteLine($"Reconciled: {messages:N0} sent = {counters.Stored:N0} stored + {counters.Duplicates:N0} duplicates + {counters.Rejected:N0} rejected.");

            // Each simulated period is calibrated on its own window, so last year's days are corrected as this year's are.
            Console.WriteLine("Calibrating the micro sensors against the national stations near them ...");
            foreach (var run in new[] { lastYear, options })
            {
                CalibrateCommand.Print(await services.GetRequiredService<SensorCalibrator>().RefitAsync((run.Start + run.Duration).UtcDateTime, token));
            }

            Console.WriteLine("Aggregating (hourly sums were kept by ingest; daily, district and city figures now) ...");
            await AggregateCommand.RunAsync(services.GetRequiredService<Aggregator>(), token);
            var firstDay = DateOnly.FromDateTime(options.Start.DateTime);
            var lastDay = DateOnly.FromDateTime((options.Start + options.Duration - TimeSpan.FromSeconds(1)).DateTime);
            var days = await DistrictDay.QueryAsync(dataSource, firstDay, lastDay, token);
            var yoy = (await YearOverYear.QueryAsync(dataSource, Pollutant.Pm25, firstDay, lastDay, token)).Where(r => r.Level != "sensor").ToList();
            var outDir = parse.GetValue(output)!;
            outDir.Create();
            var dailyCsv = Path.Combine(outDir.FullName, "district-daily.csv");
            var yoyCsv = Path.Combine(outDir.FullName, "year-over-year.csv");
            var truthCsv = Path.Combine(outDir.FullName, "incidents.csv");
            await GroundTruthStore.WriteCsvAsync(truthCsv, truth, token);
            await File.WriteAllTextAsync(dailyCsv, ToCsv(days), token);
            await File.WriteAllTextAsync(yoyCsv, YearOverYearCommand.ToCsv(yoy), token);
            PrintDays(days);
            Console.WriteLine();
            Console.WriteLine("Year over year (PM2.5):");
            foreach (var row in yoy)
            {
                Console.WriteLine($"  {row.Describe()}");
            }

            if (yoy.Select(r => r.StandardsNote).FirstOrDefault(n => n is not null) is { } note)
            {
                Console.WriteLine($"  {note}");
            }

            Console.WriteLine();
            var model = services.GetRequiredService<IAttributionModel>();
            Console.WriteLine($"Detecting {lastDay:yyyy-MM-dd}'s anomalies and attributing them to sources ...");
            var anomalies = await services.GetRequiredService<AnomalyDetector>().RunAsync(lastDay, token);
            var (city, attributions) = await services.GetRequiredService<AttributionRunner>().RunAsync(lastDay, token);
            Console.WriteLine($"  {anomalies.Count(a => a.Category == Anomaly.Pollution)} pollution episode(s), {anomalies.Count(a => a.Category == Anomaly.SensorFault)} sensor fault(s).");
            AttributeCommand.Print(lastDay, attributions, model, a => DemoTruth.Describe(a, city, truth, attribution, zone), limit: 12);
            Console.WriteLine();
            Console.WriteLine(DemoTruth.InspectionYield(attributions, city, truth, model, attribution, lastDay, zone));
            var reports = await WriteReportsAsync(services.GetRequiredService<ReportQueries>(), services.GetRequiredService<ReportFileWriter>(), lastDay, Path.Combine(outDir.FullName, "reports"), services.GetRequiredService<ReportOptions>().ConsoleBaseUrl, token);

            Console.WriteLine();
            Console.WriteLine("Outputs:");
            Console.WriteLine($"  district daily figures (CSV): {dailyCsv}");
            Console.WriteLine($"  year over year (CSV):         {yoyCsv}");
            Console.WriteLine($"  daily reports, one per team ({reports.Count}, HTML with its map and charts, and plain text, as they would be e-mailed): {Path.Combine(outDir.FullName, "reports")}");
            if (reports.Count > 0)
            {
                Console.WriteLine($"    for example {reports[0]}");
            }

            Console.WriteLine($"  ground truth, {truth.Count} incidents (CSV): {truthCsv} (and table simulation_incidents)");
            var database = services.GetRequiredService<DatabaseOptions>();
            Console.WriteLine($"  database: {(services.GetRequiredService<DatabaseServer>().PrivateCluster is null ? "AIRQ_DB" : $"private cluster in {Path.GetFullPath(database.DataDirectory)} (./airq db info)")}; tables sensor_readings, sensor_hourly_means, sensor_daily, district_daily, city_daily, anomalies, source_flags; ./airq yoy");
            return 0;
        }, ct));
        return command;
    }

    /// <summary>Renders every team's report for <paramref name="day"/> into <paramref name="folder"/> as team.html, team.txt and the images in team.files; returns the HTML paths.</summary>
    static async Task<IReadOnlyList<string>> WriteReportsAsync(ReportQueries queries, ReportFileWriter files, DateOnly day, string folder, Uri? consoleBaseUrl, CancellationToken cancellationToken)
    {
        var written = new List<string>();
        foreach (var team in await queries.TeamsAsync(cancellationToken))
        {
            written.Add((await files.WriteAsync(team, day, Path.Combine(folder, $"{team.TeamId}.html"), consoleBaseUrl, cancellationToken)).HtmlPath);
        }

        return written;
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

    static void PrintDays(IReadOnlyList<DistrictDay> days)
    {
        Console.WriteLine();
        Console.WriteLine("PM2.5 daily mean by district (µg/m³, mean of valid sensor daily means) and AQI:");
        foreach (var day in days.GroupBy(m => m.Day))
        {
            Console.WriteLine($"  {day.Key:yyyy-MM-dd}");
            foreach (var m in day)
            {
                var mean = m.Pm25Ugm3 is { } v ? $"{v,6:0.0}" : "     -";
                Console.WriteLine($"    {m.DistrictName,-12} {mean}  {(m.Pm25Valid ? "valid  " : "INVALID")}  AQI {m.Aqi?.ToString(CultureInfo.InvariantCulture) ?? "-",3} {m.AqiCategory ?? ""}  ({m.Pm25Sensors} of {m.Sensors} sensors valid)");
            }
        }
    }

    static string ToCsv(IReadOnlyList<DistrictDay> days)
    {
        var sb = new StringBuilder("day,district_id,district_name,pm25_ugm3,pm25_valid,pm25_sensors,sensors,aqi,aqi_category,standard_version\n");
        foreach (var m in days)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{m.Day:yyyy-MM-dd},{m.DistrictId},{m.DistrictName},{m.Pm25Ugm3:0.0},{(m.Pm25Valid ? "true" : "false")},{m.Pm25Sensors},{m.Sensors},{m.Aqi},{m.AqiCategory},{m.StandardVersion}\n");
        }

        return sb.ToString();
    }
}
