using System.CommandLine;
using AirQuality.Ingest.Simulation;

namespace AirQuality.Cli.Commands;

/// <summary><c>airq simulate</c>: plays the sensor gateways against a running broker.</summary>
static class SimulateCommand
{
    public static readonly Option<string?> Bootstrap = new("--bootstrap") { Description = "Kafka bootstrap servers (default: AIRQ_KAFKA_BOOTSTRAP)." };

    public static Command Create()
    {
        var simulation = new SimulationArguments();
        var registry = new Option<DirectoryInfo?>("--registry") { Description = "Registry CSV folder to take sensors from (default: the shipped infra/registry)." };
        var command = new Command("simulate", "Publish plausible readings for every registry sensor to Kafka, at a chosen speed.") { Bootstrap, registry };
        simulation.AddTo(command);
        command.SetAction((parse, ct) => AirqCommandLine.RunAsync(async (env, token) =>
        {
            if (parse.GetValue(Bootstrap) is { } b)
            {
                env.Configuration.Kafka.BootstrapServers = b;
            }

            var options = simulation.Read(parse, env.Time);
            var bootstrap = env.KafkaBootstrap(embeddedAllowed: false);
            var cities = await env.RegistryAsync(parse.GetValue(registry)?.FullName ?? AirqEnvironment.DefaultRegistryDirectory, token);
            var simulator = new GatewaySimulator(bootstrap, env.Configuration.Kafka, env.Time);
            Console.WriteLine($"Simulating {cities.Sensors.Count} sensors from {options.Start:yyyy-MM-dd HH:mm zzz} for {options.Duration.TotalDays:0.##} day(s) to {bootstrap} ...");
            using var progress = Progress.Every(TimeSpan.FromSeconds(2), () => $"  sent {simulator.Sent:N0} messages", token);
            var summary = await simulator.RunAsync(cities, options, token);
            Console.WriteLine($"Sent {summary.Messages:N0} messages for {summary.Sensors} sensors, {summary.From:u} to {summary.To:u}; delivery failures: {summary.DeliveryFailures}.");
            return summary.DeliveryFailures == 0 ? 0 : 1;
        }, ct));
        return command;
    }
}
