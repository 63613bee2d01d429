using AirQuality.Aggregation;
using AirQuality.Anomalies;
using AirQuality.Attribution;
using AirQuality.Cli.Monitoring;
using AirQuality.Development;
using AirQuality.Ingest;
using AirQuality.Reports;
using AirQuality.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AirQuality.Cli;

/// <summary>
/// The generic host a command builds: the settings <see cref="AirqConfiguration"/> read and checked, the command's flags
/// laid over them, and every stage wired by its own <c>AddXxx</c>. Development specifics stay here: with no connection
/// string configured, the private cluster is started and its connection string handed to <c>AddStorage</c>.
/// </summary>
static class AirqHost
{
    /// <summary>
    /// Builds the host, the database's schema checked to be up to date (a <see cref="PendingMigrationsException"/>
    /// when it is not, which the command line turns into a refusal naming <c>./airq db migrate</c>). <paramref name="flags"/>
    /// are the command's flags under the settings' keys (<c>Monitoring:Port</c> for <c>--metrics-port</c>), null ones left out.
    /// </summary>
    public static async Task<IHost> BuildAsync(AirqConfiguration configuration, IReadOnlyDictionary<string, string?> flags, CancellationToken cancellationToken)
    {
        var connectionString = configuration.Database.ConnectionString;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            (_, connectionString) = await PrivateCluster.EnsureRunningAsync(
                configuration.Database.DataDirectory, configuration.Database.Timescale != "off", AirqEnvironment.Progress, cancellationToken);
        }

        // No defaults: the configuration sources and their precedence are airq's own (AirqConfiguration), and a
        // one-shot command has no use for the default console lifetime's Ctrl+C handling, which System.CommandLine does.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddConfiguration(configuration.Root);
        builder.Configuration.AddInMemoryCollection(configuration.StageKeys());
        builder.Configuration.AddInMemoryCollection(flags.Where(f => f.Value is not null));
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        })
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("Npgsql", LogLevel.Warning);
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(configuration);
        services.AddSingleton(sp => new CityCalendar(configuration.Zone, sp.GetRequiredService<TimeProvider>()));
        services.AddSection<MonitoringOptions>(builder.Configuration, "Monitoring", o => o.Validate());
        services.AddStorage(builder.Configuration, connectionString)
            .AddIngest(builder.Configuration)
            .AddAggregation(builder.Configuration)
            .AddAnomalies(builder.Configuration)
            .AddAttribution(builder.Configuration)
            .AddReports(builder.Configuration, configuration.SmtpCredentials);
        var host = builder.Build();
        try
        {
            await host.Services.GetRequiredService<Migrator>().EnsureUpToDateAsync(cancellationToken);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>The Kafka bootstrap servers from <paramref name="flag"/> or the settings; the worker commands never start a broker of their own.</summary>
    public static string ConfiguredBroker(AirqConfiguration configuration, string? flag) =>
        flag ?? (configuration.Kafka.BootstrapServers is { Length: > 0 } configured
            ? configured
            : throw new UsageException(
                "No Kafka broker is configured. Start one with `./airq broker` in another terminal and pass its address " +
                "with --bootstrap or AIRQ_KAFKA_BOOTSTRAP (or use a real cluster's address)."));
}
