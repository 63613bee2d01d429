using System.Net;
using AirQuality.Reports;
using Microsoft.Extensions.Configuration;

namespace AirQuality.Cli;

/// <summary>
/// Settings from, in increasing precedence: <c>appsettings.json</c> beside the program, <c>appsettings.json</c> in the
/// working directory, environment variables prefixed <c>AIRQ_</c> (<c>AIRQ_Ingest__BatchSize=2000</c>), and the
/// short names <c>AIRQ_DB</c>, <c>AIRQ_KAFKA_BOOTSTRAP</c>, <c>AIRQ_SMTP_HOST</c> and the like. It holds what the command
/// line decides itself (the sources, the city's time zone, the short names, the SMTP credentials); each stage's section
/// is bound by the stage's <c>AddXxx</c> in the host (<see cref="AirqHost"/>), once. docs/configuration.md lists every setting.
/// </summary>
sealed class AirqConfiguration
{
    AirqConfiguration(IConfiguration root)
    {
        Root = root;
        (TimeZone, Zone) = CityZone(root);
        SmtpCredentials = ReportOptions.SmtpCredentials(root["SMTP_USER"], root["SMTP_PASSWORD"]);
    }

    /// <summary>The settings as read, before the short names are applied; the stages bind their sections from the host, which lays <see cref="StageKeys"/> over this.</summary>
    public IConfiguration Root { get; }

    /// <summary>SMTP user and password, from <c>AIRQ_SMTP_USER</c> and <c>AIRQ_SMTP_PASSWORD</c> only; null when neither is set.</summary>
    public NetworkCredential? SmtpCredentials { get; }

    /// <summary>The registry folder shipped in the repository.</summary>
    public static string DefaultRegistryDirectory => Path.Combine(RepositoryRoot, "infra", "registry");

    /// <summary>The repository the program was started from (set by the <c>./airq</c> launcher), for the shipped registry and model.</summary>
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

    /// <summary>
    /// What the short names and the CLI's own rules decided, under the stages' own keys, laid over <see cref="Root"/> when a
    /// command builds its host: <c>AIRQ_DB</c>, <c>AIRQ_KAFKA_BOOTSTRAP</c> and the Kafka passwords, the one <c>TimeZone</c>
    /// for aggregation and reports, and <c>AIRQ_SMTP_HOST</c>/<c>AIRQ_SMTP_PORT</c>. Raw values only: binding and checking
    /// them is each stage's <c>AddXxx</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string?> StageKeys()
    {
        var keys = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Aggregation:TimeZone"] = TimeZone,
            ["Reports:TimeZone"] = TimeZone,
        };
        foreach (var (key, shortName) in new[]
        {
            ("Database:ConnectionString", "DB"), ("Kafka:BootstrapServers", "KAFKA_BOOTSTRAP"), ("Kafka:SaslPassword", "KAFKA_SASL_PASSWORD"),
            ("Kafka:SslKeyPassword", "KAFKA_SSL_KEY_PASSWORD"), ("Reports:SmtpHost", "SMTP_HOST"), ("Reports:SmtpPort", "SMTP_PORT"),
        })
        {
            if (Root[shortName] is { Length: > 0 } value)
            {
                keys[key] = value;
            }
        }

        return keys;
    }

    /// <summary>Settings that are secrets: read from the environment only, refused in a file.</summary>
    static readonly string[] SecretKeys = ["Kafka:SaslPassword", "Kafka:SslKeyPassword", "Kafka:Client:sasl.password", "Kafka:Client:ssl.key.password", "Kafka:Client:ssl.keystore.password", "SMTP_PASSWORD"];

    /// <summary>Settings from <paramref name="root"/> alone (the time zone checked as <see cref="Load"/> checks it).</summary>
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
