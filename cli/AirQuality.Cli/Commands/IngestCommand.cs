using System.CommandLine;
using AirQuality.Ingest;
using AirQuality.Ingest.Validation;
using AirQuality.Storage.Registry;
using Microsoft.Extensions.Logging;

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
            var (worker, refreshing) = await CreateWorkerAsync(env, env.KafkaBootstrap(embeddedAllowed: false), counters, token);
            using var progress = Progress.Every(TimeSpan.FromSeconds(5), counters.ToString, token);
            await worker.RunAsync(token);
            await refreshing;
            Console.WriteLine($"Ingest stopped: {counters}");
            return 0;
        }, ct));
        return command;
    }

    /// <summary>
    /// A worker on the migrated database, validating against the registry stored there, and the task that keeps
    /// its sensor list fresh until <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public static async Task<(IngestWorker Worker, Task Refreshing)> CreateWorkerAsync(AirqEnvironment env, string bootstrap, IngestCounters counters, CancellationToken cancellationToken)
    {
        var dataSource = await env.DatabaseAsync(cancellationToken, migrate: true);
        var store = new RegistryStore(dataSource);
        async Task<IEnumerable<string>> LoadIds(CancellationToken ct) => (await store.LoadAsync(ct)).Sensors.Select(s => s.SensorId);
        var known = new KnownSensors(await LoadIds(cancellationToken));
        if (known.Count == 0)
        {
            throw new UsageException("The registry has no sensors, so every reading would be rejected. Import one first: ./airq registry import infra/registry");
        }

        var logger = env.LoggerFactory.CreateLogger("AirQuality.Ingest");
        var options = env.Configuration.Ingest;
        var refreshing = known.RefreshEveryAsync(options.RegistryRefresh, LoadIds,
            e => logger.LogWarning("Could not reload the registry, keeping {Count} known sensors: {Message}", known.Count, e.Message), env.Time, cancellationToken);
        var validator = new ReadingValidator(known, options, env.Time);
        return (new IngestWorker(bootstrap, env.Configuration.Kafka, options, dataSource, validator, counters, logger, env.Time), refreshing);
    }
}
