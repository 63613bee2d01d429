using System.Net;
using System.Reflection;
using System.Runtime.ExceptionServices;
using AirQuality.Aggregation;
using AirQuality.Anomalies;
using AirQuality.Cli.Monitoring;
using AirQuality.Reports;
using AirQuality.Attribution;
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
        Reports = BindReports(root);
        SmtpCredentials = ReportOptions.SmtpCredentials(root["SMTP_USER"], root["SMTP_PASSWORD"]);
        Attribution = root.GetSection("Attribution").Get<AttributionOptions>() ?? new();
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
        CheckSameZone(Reports.TimeZone, Aggregation.TimeZone);
        Attribution.Validate();
    }

    public IConfiguration Root { get; }

    public DatabaseOptions Database { get; }

    public KafkaOptions Kafka { get; }

    public IngestOptions Ingest { get; }

    public AggregationOptions Aggregation { get; }

    public AnomalyOptions Anomalies { get; }

    public MonitoringOptions Monitoring { get; }

    public ReportOptions Reports { get; }

    /// <summary>SMTP user and password, from <c>AIRQ_SMTP_USER</c> and <c>AIRQ_SMTP_PASSWORD</c> only; null when neither is set.</summary>
    public NetworkCredential? SmtpCredentials { get; }
    public AttributionOptions Attribution { get; }

    /// <summary>The model file, relative paths taken from the repository root.</summary>
    public string ModelPath => Path.Combine(RepositoryRoot, Attribution.ModelPath);

    /// <summary>The repository the program was started from (set by the <c>./airq</c> launcher), for the shipped registry.</summary>
    public static string RepositoryRoot => Environment.GetEnvironmentVariable("AIRQ_REPO") is { Length: > 0 } repo ? repo : Directory.GetCurrentDirectory();

    static void CheckSameZone(string reportsZone, string aggregationZone)
    {
        if (reportsZone != aggregationZone)
        {
            throw new ArgumentOutOfRangeException(nameof(reportsZone), reportsZone,
                $"Reports:TimeZone ({reportsZone}) must be the same as Aggregation:TimeZone ({aggregationZone}): a report's day is a day of the daily tables.");
        }
    }

    /// <summary>Section <c>Reports</c>, with <c>AIRQ_SMTP_HOST</c> and <c>AIRQ_SMTP_PORT</c> applied last; the options check themselves as they are made.</summary>
    static ReportOptions BindReports(IConfiguration root)
    {
        var overrides = new Dictionary<string, string?>();
        if (root["SMTP_HOST"] is { Length: > 0 } host)
        {
            overrides["SmtpHost"] = host;
        }

        if (root["SMTP_PORT"] is { Length: > 0 } port)
        {
            overrides["SmtpPort"] = port;
        }

        var section = new ConfigurationBuilder().AddConfiguration(root.GetSection("Reports")).AddInMemoryCollection(overrides).Build();
        try
        {
            return section.Get<ReportOptions>() ?? new ReportOptions();
        }
        catch (TargetInvocationException e) when (e.InnerException is ArgumentOutOfRangeException inner)
        {
            // The binder calls the constructor by reflection; the sentence it threw is what the user needs.
            ExceptionDispatchInfo.Throw(inner);
            throw;
        }
        catch (InvalidOperationException e)
        {
            // A value of the wrong form ("25:00" for a time of day) fails in the binder before any check of ours.
            throw new ArgumentOutOfRangeException(nameof(root), $"Reports: {e.Message} Write a time of day as HH:mm (07:30) and a duration as [d.]hh:mm:ss (00:00:30).");
        }
    }

    /// <summary>Settings that are secrets: read from the environment only, refused in a file.</summary>
    static readonly string[] SecretKeys = ["Kafka:SaslPassword", "Kafka:SslKeyPassword", "Kafka:Client:sasl.password", "Kafka:Client:ssl.key.password", "Kafka:Client:ssl.keystore.password", "SMTP_PASSWORD"];

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
                "AIRQ_DB for the connection string, AIRQ_KAFKA_SASL_PASSWORD, AIRQ_KAFKA_SSL_KEY_PASSWORD, AIRQ_SMTP_PASSWORD. Remove it from the file.");
        }
    }
}
