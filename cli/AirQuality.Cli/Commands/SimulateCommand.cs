using System.CommandLine;
using AirQuality.Simulation;
using AirQuality.Ingest.Kafka;
using AirQuality.Simulation.Truth;
using AirQuality.Storage.Registry;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AirQuality.Cli.Commands;

/// <summary><c>airq simulate</c>: plays the sensor gateways against a running broker.</summary>
static class SimulateCommand
{
    public static readonly Option<string?> Bootstrap = new("--bootstrap") { Description = "Kafka bootstrap servers (default: AIRQ_KAFKA_BOOTSTRAP)." };

    public static Command Create()
    {
        var simulation = new SimulationArguments();
        var registry = new Option<DirectoryInfo?>("--registry") { Description = "Registry CSV folder to take sensors from (default: the shipped infra/registry)." };
        var truth = new Option<FileInfo?>("--truth") { Description = "CSV file for the ground truth: every incident the simulation injected (default: .airq/truth/incidents-seed<N>-<day>.csv)." };
        var recordTruth = new Option<bool>("--record-truth") { Description = "Also file the incidents in the database's simulation_incidents table (AIRQ_DB or the private cluster)." };
        var command = new Command("simulate", "Publish plausible readings for every registry sensor to Kafka, at a chosen speed.") { Bootstrap, registry, truth, recordTruth };
        simulation.AddTo(command);
        command.SetAction((parse, ct) => AirqCommandLine.RunAsync(async token =>
        {
            // The database only to file the truth in it; the registry comes from CSV files.
            using var host = await AirqHost.BuildAsync(AirqConfiguration.Load(), new Dictionary<string, string?> { ["Kafka:BootstrapServers"] = parse.GetValue(Bootstrap) },
                new HostNeeds(parse.GetValue(recordTruth) ? DatabaseMode.Checked : DatabaseMode.None, BrokerMode.Configured), token);
            var services = host.Services;
            var options = simulation.Read(parse, services.GetRequiredService<CityCalendar>());
            var kafka = services.GetRequiredService<KafkaOptions>();
            var bootstrap = kafka.BootstrapServers!;
            var cities = RegistryCsv.Load(parse.GetValue(registry)?.FullName ?? AirqConfiguration.DefaultRegistryDirectory);
            var simulator = new GatewaySimulator(bootstrap, kafka, services.GetRequiredService<TimeProvider>());
            Console.WriteLine($"Simulating {cities.Sensors.Count} sensors from {options.Start:yyyy-MM-dd HH:mm zzz} for {options.Duration.TotalDays:0.##} day(s) to {bootstrap} ...");
            using var progress = Progress.Every(TimeSpan.FromSeconds(2), () => $"  sent {simulator.Sent:N0} messages", token);
            var summary = await simulator.RunAsync(cities, options, token);
            Console.WriteLine(SummaryText(summary));
            var path = parse.GetValue(truth)?.FullName ?? TruthPath(options);
            await GroundTruthStore.WriteCsvAsync(path, summary.Incidents, token);
            Console.WriteLine($"Ground truth: {summary.Incidents.Count} incident(s) ({summary.Incidents.Count(i => i.SourceId is null)} by unregistered emitters) in {path}");
            if (parse.GetValue(recordTruth))
            {
                await GroundTruthStore.WriteTableAsync(services.GetRequiredService<NpgsqlDataSource>(), GroundTruthStore.SimulationName(options), summary.Incidents, token);
                Console.WriteLine("  and in table simulation_incidents.");
            }

            return summary.DeliveryFailures == 0 ? 0 : 1;
        }, ct));
        return command;
    }

    /// <summary>Where a simulation's ground truth goes unless told otherwise.</summary>
    public static string TruthPath(SimulationOptions options) =>
        Path.Combine(".airq", "truth", $"incidents-seed{options.Seed}-{options.Start:yyyyMMdd}.csv");

    /// <summary>The summary a person (or a test reconciling counts) reads after a simulation.</summary>
    public static string SummaryText(SimulationSummary s) =>
        $"Sent {s.Messages:N0} messages ({s.Readings:N0} readings from {s.Sensors} sensors, {s.TelemetryRecords:N0} telemetry records), {s.From:u} to {s.To:u}; delivery failures: {s.DeliveryFailures}.{Environment.NewLine}" +
        $"Faults: malformed {s.Malformed:N0}, duplicated {s.Duplicated:N0}, late {s.Late:N0}, out of order {s.OutOfOrder:N0}, unknown sensor {s.UnknownSensor:N0}.{Environment.NewLine}" +
        $"Expected at ingest: stored {s.ExpectedStored:N0}, duplicates {s.ExpectedDuplicates:N0}, rejected {s.ExpectedRejected:N0}.";
}
