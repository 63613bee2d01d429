using System.CommandLine;
using AirQuality.Ingest;
using AirQuality.Ingest.Validation;
using AirQuality.Storage.Registry;

namespace AirQuality.Cli.Commands;

/// <summary><c>airq ingest</c>: the ingest worker, one per process, any number of processes in one consumer group.</summary>
static class IngestCommand
{
    public static Command Create()
    {
        var command = new Command("ingest", "Consume sensor readings from Kafka, validate them, store them and dead-letter the rest, until Ctrl+C.")
        {
            SimulateCommand.Bootstrap,
        };
        command.SetAction((parse, ct) => AirqCommandLine.RunAsync(async (env, token) =>
        {
            if (parse.GetValue(SimulateCommand.Bootstrap) is { } b)
            {
                env.Configuration.Kafka.BootstrapServers = b;
            }

            var counters = new IngestCounters();
            var worker = await CreateWorkerAsync(env, env.KafkaBootstrap(embeddedAllowed: false), counters, token);
            using var progress = Progress.Every(TimeSpan.FromSeconds(5), counters.ToString, token);
            await worker.RunAsync(token);
            Console.WriteLine($"Ingest stopped: {counters}");
            return 0;
        }, ct));
        return command;
    }

    /// <summary>A worker on the migrated database, validating against the registry stored there.</summary>
    public static async Task<IngestWorker> CreateWorkerAsync(AirqEnvironment env, string bootstrap, IngestCounters counters, CancellationToken cancellationToken)
    {
        var dataSource = await env.DatabaseAsync(cancellationToken, migrate: true);
        var registry = await new RegistryStore(dataSource).LoadAsync(cancellationToken);
        if (registry.Sensors.Count == 0)
        {
            throw new UsageException("The registry has no sensors, so every reading would be rejected. Import one first: ./airq registry import infra/registry");
        }

        var validator = new ReadingValidator(registry.Sensors.Select(s => s.SensorId).ToHashSet(StringComparer.Ordinal), env.Configuration.Ingest, env.Time);
        return new IngestWorker(bootstrap, env.Configuration.Kafka, env.Configuration.Ingest, dataSource, validator, counters,
            env.LoggerFactory.CreateLogger("AirQuality.Ingest"), env.Time);
    }
}
