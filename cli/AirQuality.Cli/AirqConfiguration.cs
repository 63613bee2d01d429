using AirQuality.Analytics;
using AirQuality.Analytics.Anomalies;
using AirQuality.Analytics.Attribution;
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
        Attribution = root.GetSection("Attribution").Get<AttributionOptions>() ?? new();
        if (root["DB"] is { Length: > 0 } db)
        {
            Database.ConnectionString = db;
        }

        if (root["KAFKA_BOOTSTRAP"] is { Length: > 0 } bootstrap)
        {
            Kafka.BootstrapServers = bootstrap;
        }

        Database.Validate();
        Ingest.Validate();
        Aggregation.Validate();
        Anomalies.Validate();
        Attribution.Validate();
    }

    public IConfiguration Root { get; }

    public DatabaseOptions Database { get; }

    public KafkaOptions Kafka { get; }

    public IngestOptions Ingest { get; }

    public AggregationOptions Aggregation { get; }

    public AnomalyOptions Anomalies { get; }

    public AttributionOptions Attribution { get; }

    /// <summary>The model file, relative paths taken from the repository root.</summary>
    public string ModelPath => Path.Combine(RepositoryRoot, Attribution.ModelPath);

    /// <summary>The repository the program was started from (set by the <c>./airq</c> launcher), for the shipped registry.</summary>
    public static string RepositoryRoot => Environment.GetEnvironmentVariable("AIRQ_REPO") is { Length: > 0 } repo ? repo : Directory.GetCurrentDirectory();

    public static AirqConfiguration Load() => new(new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
        .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true)
        .AddEnvironmentVariables("AIRQ_")
        .Build());
}
