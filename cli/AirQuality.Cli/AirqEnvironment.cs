using AirQuality.Contracts;
using AirQuality.Development;
using AirQuality.Ingest.Kafka;
using AirQuality.Storage.Registry;
using AirQuality.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AirQuality.Cli;

/// <summary>The composition root's services: the database (configured, or the private cluster), Kafka (configured, or an embedded broker) and logging.</summary>
sealed class AirqEnvironment : IAsyncDisposable
{
    EmbeddedBroker? _broker;
    NpgsqlDataSource? _dataSource;
    bool _schemaChecked;

    public AirqEnvironment(AirqConfiguration configuration)
    {
        Configuration = configuration;
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b
            .AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            })
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("Npgsql", LogLevel.Warning));
    }

    public AirqConfiguration Configuration { get; }

    public ILoggerFactory LoggerFactory { get; }

    public TimeProvider Time { get; } = TimeProvider.System;

    /// <summary>Local days in the configured <c>TimeZone</c>: the default dates of the commands.</summary>
    public CityCalendar Calendar => new(Configuration.Zone, Time);

    /// <summary>The connection string in use, with its password (a data source's own string has it removed); set by <see cref="ServerAsync"/>.</summary>
    public string? ConnectionString { get; private set; }

    /// <summary>The private cluster in use, when no connection string is configured; set by <see cref="ServerAsync"/>.</summary>
    public PrivateCluster? PrivateCluster { get; private set; }

    public static void Progress(string message) => Console.WriteLine(message);

    /// <summary>
    /// The database, its schema checked to be up to date: a <see cref="PendingMigrationsException"/> when it is not, which
    /// the command line turns into a refusal naming <c>./airq db migrate</c>. Starts the private cluster when no
    /// connection string is configured.
    /// </summary>
    /// <remarks>Only <c>db migrate</c> and <c>demo</c> change the schema (<see cref="MigratedDatabaseAsync"/>).</remarks>
    public async Task<NpgsqlDataSource> DatabaseAsync(CancellationToken cancellationToken)
    {
        var dataSource = await ServerAsync(cancellationToken);
        if (!_schemaChecked)
        {
            await new Migrator(dataSource, Configuration.Database).EnsureUpToDateAsync(cancellationToken);
            _schemaChecked = true;
        }

        return dataSource;
    }

    /// <summary>The database with every pending migration applied now: for <c>db migrate</c> and <c>demo</c> only.</summary>
    public async Task<NpgsqlDataSource> MigratedDatabaseAsync(CancellationToken cancellationToken)
    {
        var dataSource = await ServerAsync(cancellationToken);
        await new Migrator(dataSource, Configuration.Database).MigrateAsync(Progress, cancellationToken);
        _schemaChecked = true;
        return dataSource;
    }

    /// <summary>
    /// The database whatever its schema: for <c>db info</c>, which shows what is pending, and the benchmarks, which
    /// make scratch databases of their own. Starts the private cluster when no connection string is configured.
    /// </summary>
    public async Task<NpgsqlDataSource> ServerAsync(CancellationToken cancellationToken)
    {
        if (_dataSource is null)
        {
            var connectionString = Configuration.Database.ConnectionString;
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                (PrivateCluster, connectionString) = await PrivateCluster.EnsureRunningAsync(
                    Configuration.Database.DataDirectory, Configuration.Database.Timescale != "off", Progress, cancellationToken);
            }

            ConnectionString = connectionString;
            _dataSource = Database.CreateDataSource(connectionString);
        }

        return _dataSource;
    }

    /// <summary>The configured Kafka bootstrap servers, or, when <paramref name="embeddedAllowed"/>, an embedded broker started now.</summary>
    public string KafkaBootstrap(bool embeddedAllowed)
    {
        if (Configuration.Kafka.BootstrapServers is { Length: > 0 } configured)
        {
            return configured;
        }

        if (!embeddedAllowed)
        {
            throw new UsageException(
                "No Kafka broker is configured. Start one with `./airq broker` in another terminal and pass its address " +
                "with --bootstrap or AIRQ_KAFKA_BOOTSTRAP (or use a real cluster's address).");
        }

        if (_broker is null)
        {
            _broker = EmbeddedBroker.Start();
            foreach (var topic in Topics.All)
            {
                _broker.CreateTopic(topic, Topics.DefaultPartitions);
            }

            Progress($"Embedded Kafka-protocol broker listening on {_broker.BootstrapServers} (topics: {string.Join(", ", Topics.All)}).");
        }

        return _broker.BootstrapServers;
    }

    /// <summary>The registry folder shipped in the repository.</summary>
    public static string DefaultRegistryDirectory => Path.Combine(AirqConfiguration.RepositoryRoot, "infra", "registry");

    /// <summary>Loads the registry from CSV files when <paramref name="directory"/> is given, else from the database.</summary>
    public async Task<CityRegistry> RegistryAsync(string? directory, CancellationToken cancellationToken) =>
        directory is not null ? RegistryCsv.Load(directory) : await new RegistryStore(await DatabaseAsync(cancellationToken)).LoadAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        _broker?.Dispose();
        LoggerFactory.Dispose();
    }
}

/// <summary>A mistake in how the command was called; printed without a stack trace, exit code 2.</summary>
sealed class UsageException(string message) : Exception(message);
