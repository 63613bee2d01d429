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
        (TimeZone, Zone) = CityZone(root);
        Database = root.GetSection("Database").Get<DatabaseOptions>() ?? new();
        Kafka = root.GetSection("Kafka").Get<KafkaOptions>() ?? new();
        Ingest = root.GetSection("Ingest").Get<IngestOptions>() ?? new();
        Aggregation = root.GetSection("Aggregation").Get<AggregationOptions>() ?? new();
        Aggregation.TimeZone = TimeZone;
        Anomalies = root.GetSection("Anomalies").Get<AnomalyOptions>() ?? new();
        Monitoring = root.GetSection("Monitoring").Get<MonitoringOptions>() ?? new();
        Reports = BindReports(root, TimeZone);
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

    /// <summary>
    /// The one time-zone setting, <c>TimeZone</c> (<c>AIRQ_TimeZone</c>), default Asia/Shanghai: an IANA id this machine knows whose
    /// offset from UTC is a whole number of hours, because the hourly sums are UTC hours and a local day must be whole hours of them.
    /// </summary>
    static (string Id, TimeZoneInfo Zone) CityZone(IConfiguration root)
    {
        foreach (var stale in new[] { "Aggregation:TimeZone", "Reports:TimeZone" })
        {
            if (root[stale] is { Length: > 0 } value)
            {
                throw new UsageException($"{stale} ({value}) is no longer a setting of its own: set the city's one time zone with TimeZone " +
                    "(AIRQ_TimeZone), which aggregation, anomalies, attribution, reports and the commands' default dates all read.");
            }
        }

        var id = root["TimeZone"] is { Length: > 0 } configured ? configured : DefaultTimeZone;
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
        {
            throw new ArgumentOutOfRangeException(nameof(root), id, $"TimeZone '{id}' is not a time zone this machine knows; use an IANA id such as Asia/Shanghai.");
        }

        if (zone.BaseUtcOffset.Ticks % TimeSpan.TicksPerHour != 0 || zone.GetAdjustmentRules().Any(r => r.DaylightDelta.Ticks % TimeSpan.TicksPerHour != 0))
        {
            throw new ArgumentOutOfRangeException(nameof(root), id, $"TimeZone '{id}' is {zone.BaseUtcOffset:hh\\:mm} from UTC, not a whole number of hours: " +
                "local days are made of the UTC hourly sums, so use a zone whose offset is whole hours, such as Asia/Shanghai.");
        }

        return (id, zone);
    }

    /// <summary>China Standard Time (UTC+8, no daylight saving), the city's zone unless <c>TimeZone</c> says otherwise.</summary>
    public const string DefaultTimeZone = "Asia/Shanghai";

    /// <summary>IANA id of the city's time zone (setting <c>TimeZone</c>).</summary>
    public string TimeZone { get; }

    /// <summary><see cref="TimeZone"/>, resolved.</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary>Section <c>Reports</c>, with the city's <c>TimeZone</c>, <c>AIRQ_SMTP_HOST</c> and <c>AIRQ_SMTP_PORT</c> applied last; the options check themselves as they are made.</summary>
    static ReportOptions BindReports(IConfiguration root, string timeZone)
    {
        var overrides = new Dictionary<string, string?> { ["TimeZone"] = timeZone };
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

    /// <summary>
    /// What the short names and the CLI's own rules decided, under the stages' own keys, laid over <see cref="Root"/> when a
    /// command builds its host: <c>AIRQ_KAFKA_BOOTSTRAP</c> and the Kafka passwords, the one <c>TimeZone</c> for aggregation
    /// and reports, <c>AIRQ_SMTP_HOST</c>/<c>AIRQ_SMTP_PORT</c>, and the model path taken from the repository root.
    /// </summary>
    public IReadOnlyDictionary<string, string?> StageKeys()
    {
        var keys = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Aggregation:TimeZone"] = TimeZone,
            ["Reports:TimeZone"] = TimeZone,
            ["Attribution:ModelPath"] = ModelPath,
        };
        foreach (var (key, value) in new[] { ("Kafka:BootstrapServers", Kafka.BootstrapServers), ("Kafka:SaslPassword", Kafka.SaslPassword), ("Kafka:SslKeyPassword", Kafka.SslKeyPassword), ("Reports:SmtpHost", Root["SMTP_HOST"]), ("Reports:SmtpPort", Root["SMTP_PORT"]) })
        {
            if (value is { Length: > 0 })
            {
                keys[key] = value;
            }
        }

        return keys;
    }

    /// <summary>Settings that are secrets: read from the environment only, refused in a file.</summary>
    static readonly string[] SecretKeys = ["Kafka:SaslPassword", "Kafka:SslKeyPassword", "Kafka:Client:sasl.password", "Kafka:Client:ssl.key.password", "Kafka:Client:ssl.keystore.password", "SMTP_PASSWORD"];

    /// <summary>Settings from <paramref name="root"/> alone, checked as <see cref="Load"/> checks them.</summary>
    internal static AirqConfiguration From(IConfiguration root) => new(root);

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
