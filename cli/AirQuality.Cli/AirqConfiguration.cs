using AirQuality.Analytics;
using AirQuality.Analytics.Anomalies;
using AirQuality.Cli.Monitoring;
using AirQuality.Ingest;
using AirQuality.Ingest.Kafka;
using AirQuality.Storage;
using Microsoft.Extensions.Configuration;

namespace AirQuality.Cli;

/// <summary>
/// Settings from, in increasing precedence: <c>appsettings.json</c> beside the program, <c>appsettings.json</c> in the
/// working directory, environment variables prefixed <c>AIRQ_</c> (<c>AIRQ_Ingest__BatchSize=2000</c>), and the two
/// short names <c>AIRQ_DB</c> and <c>AIRQ_KAFKA_BOOTSTRAP</c>. docs/configuration.md lists every setting.
/// </summary>
sealed class AirqConfiguration
{
    AirqConfiguration(IConfiguration root)
    {
        Root = root;
        Database = root.GetSection("Database").Get<DatabaseOptions>() ?? new();
        Kafka = root.GetSection("Kafka").Get<KafkaOptions>() ?? new();
        Ingest = root.GetSection("Ingest").Get<IngestOptions>() ?? new();
        Aggregation = root.GetSection("Aggregation").Get<AggregationOptions>() ?? new();
        Anomalies = root.GetSection("Anomalies").Get<AnomalyOptions>() ?? new();
        Monitoring = root.GetSection("Monitoring").Get<MonitoringOptions>() ?? new();
        if (root["DB"] is { Length: > 0 } db)
        {
            Database.ConnectionString = db;
        }

        if (root["KAFKA_BOOTSTRAP"] is { Length: > 0 } bootstrap)
        {
            Kafka.BootstrapServers = bootstrap;
        }

        if (root["KAFKA_SASL_PASSWORD"] is { Length: > 0 } saslPassword)
        {
            Kafka.SaslPassword = saslPassword;
        }

        if (root["KAFKA_SSL_KEY_PASSWORD"] is { Length: > 0 } keyPassword)
        {
            Kafka.SslKeyPassword = keyPassword;
        }

        Kafka.Validate();

        Database.Validate();
        Ingest.Validate();
        Aggregation.Validate();
        Anomalies.Validate();
        Monitoring.Validate();
    }

    public IConfiguration Root { get; }

    public DatabaseOptions Database { get; }

    public KafkaOptions Kafka { get; }

    public IngestOptions Ingest { get; }

    public AggregationOptions Aggregation { get; }

    public AnomalyOptions Anomalies { get; }

    public MonitoringOptions Monitoring { get; }

    /// <summary>The repository the program was started from (set by the <c>./airq</c> launcher), for the shipped registry.</summary>
    public static string RepositoryRoot => Environment.GetEnvironmentVariable("AIRQ_REPO") is { Length: > 0 } repo ? repo : Directory.GetCurrentDirectory();

    /// <summary>Settings that are secrets: read from the environment only, refused in a file.</summary>
    static readonly string[] SecretKeys = ["Kafka:SaslPassword", "Kafka:SslKeyPassword", "Kafka:Client:sasl.password", "Kafka:Client:ssl.key.password", "Kafka:Client:ssl.keystore.password"];

    public static AirqConfiguration Load()
    {
        var files = new[] { Path.Combine(AppContext.BaseDirectory, "appsettings.json"), Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json") };
        foreach (var file in files.Distinct(StringComparer.Ordinal).Where(File.Exists))
        {
            RefuseSecrets(file, new ConfigurationBuilder().AddJsonFile(file, optional: false).Build());
        }

        return new(new ConfigurationBuilder()
            .AddJsonFile(files[0], optional: true)
            .AddJsonFile(files[1], optional: true)
            .AddEnvironmentVariables("AIRQ_")
            .Build());
    }

    static bool HasPassword(string connectionString)
    {
        try
        {
            return new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Password is { Length: > 0 };
        }
        catch (ArgumentException)
        {
            return false; // not a connection string at all: the connection attempt reports it
        }
    }

    /// <summary>Stops the program when a configuration file holds a password: files get copied, committed and shared.</summary>
    static void RefuseSecrets(string file, IConfiguration fromFile)
    {
        var found = SecretKeys.Where(k => !string.IsNullOrEmpty(fromFile[k])).ToList();
        if (fromFile["Database:ConnectionString"] is { Length: > 0 } connectionString && HasPassword(connectionString))
        {
            found.Add("Database:ConnectionString (Password=...)");
        }

        if (found.Count > 0)
        {
            throw new UsageException(
                $"{file} holds a secret ({string.Join(", ", found)}). Secrets come only from environment variables: " +
                "AIRQ_DB for the connection string, AIRQ_KAFKA_SASL_PASSWORD, AIRQ_KAFKA_SSL_KEY_PASSWORD. Remove it from the file.");
        }
    }
}
