using System.CommandLine;
using System.Globalization;
using AirQuality.Aggregation;
using AirQuality.Cli.Monitoring;
using AirQuality.Ingest;
using AirQuality.Ingest.Validation;
using AirQuality.Storage.Registry;
using AirQuality.Ingest.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AirQuality.Cli.Commands;

/// <summary><c>airq ingest</c>: the ingest worker, one per process, any number of processes in one consumer group.</summary>
static class IngestCommand
{
    /// <summary><c>--metrics-port</c>, shared by the long-running workers.</summary>
    public static readonly Option<int?> MetricsPort = new("--metrics-port")
    {
        Description = "Serve /health/live, /health/ready and /metrics (Prometheus) on this port; 0 for none. Default: Monitoring:Port (0).",
    };

    public static Command Create()
    {
        var command = new Command("ingest", "Consume sensor readings from Kafka, validate them, store them and dead-letter the rest, until Ctrl+C.")
        {
            SimulateCommand.Bootstrap,
            MetricsPort,
        };
        command.SetAction((parse, ct) => AirqCommandLine.RunAsync(async token =>
        {
            // The broker is checked before the database is started: a worker without one has nothing to do.
            using var host = await AirqHost.BuildAsync(AirqConfiguration.Load(), new Dictionary<string, string?>
            {
                ["Kafka:BootstrapServers"] = parse.GetValue(SimulateCommand.Bootstrap),
                ["Monitoring:Port"] = parse.GetValue(MetricsPort)?.ToString(CultureInfo.InvariantCulture),
            }, new HostNeeds(Broker: BrokerMode.Configured), token);
            var services = host.Services;
            var dataSource = services.GetRequiredService<NpgsqlDataSource>();
            var time = services.GetRequiredService<TimeProvider>();
            var loggers = services.GetRequiredService<ILoggerFactory>();
            var counters = services.GetRequiredService<IngestCounters>();
            // Ends the registry refresh and the progress lines with the worker, whether it was stopped or stopped itself:
            // a worker that stopped on an error must take the process with it, so that the service manager restarts it.
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(token);
            var (worker, refreshing) = await CreateWorkerAsync(services, stopping.Token);
            // Ready: consuming (subscribed, not stopped) and the database answers. Live: the endpoint answers.
            await using var health = HealthServer.Start(
                services.GetRequiredService<MonitoringOptions>(),
                async t => counters.Consuming ? await WorkerMetrics.DatabaseNotReadyAsync(dataSource, t) : "the consumer is not running",
                _ =>
                {
                    var text = new PrometheusText();
                    WorkerMetrics.Ingest(text, counters);
                    return Task.FromResult(text.ToString());
                },
                loggers.CreateLogger("AirQuality.Monitoring"),
                () => counters.StoppedBy);
            using var stopReporting = new CancellationTokenSource();
            var reporter = new IngestStatusReporter(dataSource, counters, services.GetRequiredService<KafkaOptions>().GroupId, loggers.CreateLogger("AirQuality.Ingest"), time);
            var reporting = reporter.RunAsync(stopReporting.Token);
            using var progress = Progress.Every(TimeSpan.FromSeconds(5), counters.ToString, stopping.Token);
            Exception? fatal = null;
            try
            {
                await worker.RunAsync(token);
            }
            catch (Exception e) when (!token.IsCancellationRequested)
            {
                fatal = e;
            }
            finally
            {
                // The last report carries the counters after the final flush, and the stop time.
                await stopping.CancelAsync();
                await stopReporting.CancelAsync();
                await reporting;
                await refreshing;
            }

            if (fatal is not null)
            {
                // Already logged with its stack trace by the writer that stopped; exit non-zero so that the worker is restarted.
                Console.Error.WriteLine($"error: the ingest worker stopped: {fatal.Message}");
                Console.Error.WriteLine($"Ingest stopped on an error (nothing of the failed batch was committed; a restarted worker resumes from it): {counters}");
                return 1;
            }

            Console.WriteLine($"Ingest stopped: {counters}");
            return 0;
        }, ct));
        return command;
    }

    /// <summary>
    /// A worker on the host's database and broker (<c>Kafka:BootstrapServers</c>), counting into the host's
    /// <see cref="IngestCounters"/> and validating against the registry stored there, and the task that keeps its
    /// sensor list fresh until <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public static async Task<(IngestWorker Worker, Task Refreshing)> CreateWorkerAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        var kafka = services.GetRequiredService<KafkaOptions>();
        var options = services.GetRequiredService<IngestOptions>();
        var time = services.GetRequiredService<TimeProvider>();
        var store = services.GetRequiredService<RegistryStore>();
        var registry = await store.LoadAsync(cancellationToken);
        if (registry.Sensors.Count == 0)
        {
            throw new UsageException("The registry has no sensors, so every reading would be rejected. Import one first: ./airq registry import infra/registry");
        }

        var sensors = new KnownIds(registry.Sensors.Select(s => s.SensorId));
        var sources = new KnownIds(registry.Sources.Select(s => s.SourceId));
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("AirQuality.Ingest");
        var refreshing = RefreshRegistryAsync(store, sensors, sources, options.RegistryRefresh, logger, time, cancellationToken);
        var validator = new MessageValidator(sensors, sources, options, time);
        return (new IngestWorker(kafka.BootstrapServers!, kafka, options, dataSource, validator, services.GetRequiredService<IngestCounters>(), logger, time, new HourlyRollup()), refreshing);
    }

    static async Task RefreshRegistryAsync(RegistryStore store, KnownIds sensors, KnownIds sources, TimeSpan interval, ILogger logger, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    var registry = await store.LoadAsync(cancellationToken);
                    sensors.Replace(registry.Sensors.Select(s => s.SensorId));
                    sources.Replace(registry.Sources.Select(s => s.SourceId));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning("Could not reload the registry, keeping {Sensors} sensors and {Sources} sources: {Message}", sensors.Count, sources.Count, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
