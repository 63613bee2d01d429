using System.Reflection;
using AirQuality.Aggregation;
using AirQuality.Anomalies;
using AirQuality.Attribution;
using AirQuality.Cli.Commands;
using AirQuality.Cli.Monitoring;
using AirQuality.Contracts;
using AirQuality.Development;
using AirQuality.Ingest;
using AirQuality.Ingest.Kafka;
using AirQuality.Reports;
using AirQuality.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AirQuality.Cli;

/// <summary>
/// The generic host every command builds: the settings <see cref="AirqConfiguration"/> gathered, the command's flags
/// laid over them, and every stage wired by its own <c>AddXxx</c>, which binds its section (each section is bound
/// there and nowhere else). Development services stay here: with no connection string configured the private cluster
/// (<see cref="DatabaseServer"/>), and for <c>demo</c> an embedded broker.
/// </summary>
static class AirqHost
{
    /// <summary>Builds the host with the database's schema checked (<see cref="HostNeeds.CheckedDatabase"/>).</summary>
    public static Task<IHost> BuildAsync(AirqConfiguration configuration, IReadOnlyDictionary<string, string?> flags, CancellationToken cancellationToken) =>
        BuildAsync(configuration, flags, HostNeeds.CheckedDatabase, cancellationToken);

    /// <summary>
    /// Builds the host, then, in this order: checks every setting (a sentence naming the bad one), checks the broker and
    /// loads the model when <paramref name="needs"/> says so, and last starts the database server and checks or applies
    /// the migrations (a <see cref="PendingMigrationsException"/> when the schema is behind in
    /// <see cref="DatabaseMode.Checked"/>, which the command line turns into a refusal naming <c>./airq db migrate</c>).
    /// <paramref name="flags"/> are the command's flags under the settings' keys (<c>Monitoring:Port</c> for
    /// <c>--metrics-port</c>), null ones left out.
    /// </summary>
    public static async Task<IHost> BuildAsync(AirqConfiguration configuration, IReadOnlyDictionary<string, string?> flags, HostNeeds needs, CancellationToken cancellationToken)
    {
        // No defaults: the configuration sources and their precedence are airq's own (AirqConfiguration), and a
        // one-shot command has no use for the default console lifetime's Ctrl+C handling, which System.CommandLine does.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddConfiguration(configuration.Root);
        builder.Configuration.AddInMemoryCollection(configuration.StageKeys());
        builder.Configuration.AddInMemoryCollection(flags.Where(f => f.Value is not null));
        var broker = needs.Broker == BrokerMode.EmbeddedUnlessConfigured && builder.Configuration["Kafka:BootstrapServers"] is not { Length: > 0 }
            ? StartEmbeddedBroker()
            : null;
        if (broker is not null)
        {
            builder.Configuration.AddInMemoryCollection([KeyValuePair.Create("Kafka:BootstrapServers", (string?)broker.BootstrapServers)]);
            builder.Services.AddSingleton(_ => broker);
        }

        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        })
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("Npgsql", LogLevel.Warning);
        var server = new DatabaseServer();
        var services = builder.Services;
        services.AddSingleton(server);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(configuration);
        services.AddSingleton(sp => new CityCalendar(configuration.Zone, sp.GetRequiredService<TimeProvider>()));
        services.AddSection<MonitoringOptions>(builder.Configuration, "Monitoring", o => o.Validate());
        services.AddStorage(builder.Configuration, _ => server.ConnectionString)
            .AddIngest(builder.Configuration)
            .AddAggregation(builder.Configuration)
            .AddAnomalies(builder.Configuration)
            .AddAttribution(builder.Configuration)
            .AddReports(builder.Configuration, configuration.SmtpCredentials);
        // A relative model path is the repository's (the shipped infra/models), wherever the command was started.
        services.PostConfigure<AttributionOptions>(o => o.ModelPath = Path.Combine(AirqConfiguration.RepositoryRoot, o.ModelPath));
        IHost host;
        try
        {
            host = builder.Build();
        }
        catch
        {
            broker?.Dispose();
            throw;
        }

        try
        {
            // From here the container owns the broker and disposes it with the host.
            _ = broker is null ? null : host.Services.GetRequiredService<EmbeddedBroker>();
            CheckSettings(host.Services);
            if (needs.Broker == BrokerMode.Configured && host.Services.GetRequiredService<KafkaOptions>().BootstrapServers is not { Length: > 0 })
            {
                throw new UsageException(NoBroker);
            }

            if (needs.Model)
            {
                host.Services.GetRequiredService<IAttributionModel>();
            }

            if (needs.Database != DatabaseMode.None)
            {
                await server.StartAsync(host.Services.GetRequiredService<DatabaseOptions>(), cancellationToken);
                var migrator = host.Services.GetRequiredService<Migrator>();
                if (needs.Database == DatabaseMode.Checked)
                {
                    await migrator.EnsureUpToDateAsync(cancellationToken);
                }
                else if (needs.Database == DatabaseMode.Migrated)
                {
                    server.Applied = await migrator.MigrateAsync(Progress.Line, cancellationToken);
                }
            }

            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    const string NoBroker = "No Kafka broker is configured. Start one with `./airq broker` in another terminal and pass its address " +
        "with --bootstrap or AIRQ_KAFKA_BOOTSTRAP (or use a real cluster's address).";

    static EmbeddedBroker StartEmbeddedBroker()
    {
        var broker = EmbeddedBroker.Start();
        foreach (var topic in Topics.All)
        {
            broker.CreateTopic(topic, Topics.DefaultPartitions);
        }

        Progress.Line($"Embedded Kafka-protocol broker listening on {broker.BootstrapServers} (topics: {string.Join(", ", Topics.All)}).");
        return broker;
    }

    /// <summary>
    /// Every stage's settings, bound and checked now, so that a bad one stops the command before anything slow starts
    /// rather than when a stage is first asked for; the error is the options' own sentence naming the setting.
    /// </summary>
    static void CheckSettings(IServiceProvider services)
    {
        foreach (var type in new[] { typeof(DatabaseOptions), typeof(KafkaOptions), typeof(IngestOptions), typeof(AggregationOptions), typeof(AnomalyOptions), typeof(MonitoringOptions), typeof(ReportOptions), typeof(AttributionOptions) })
        {
            try
            {
                services.GetRequiredService(type);
            }
            catch (TargetInvocationException e) when (e.InnerException is ArgumentOutOfRangeException inner)
            {
                // The binder calls a constructor by reflection; the sentence it threw is what the user needs.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
                throw;
            }
            catch (InvalidOperationException e)
            {
                // A value of the wrong form ("25:00" for a time of day) fails in the binder before any check of ours.
                throw new ArgumentOutOfRangeException(type.Name, $"{e.Message} Write a time of day as HH:mm (07:30), a duration as [d.]hh:mm:ss (00:00:30) and a number in digits.");
            }
        }
    }
}
