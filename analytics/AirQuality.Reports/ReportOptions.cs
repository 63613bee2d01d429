using System.Net;
using System.Net.Mail;

namespace AirQuality.Reports;

/// <summary>
/// When and how the daily reports are sent. Section <c>Reports</c>; the SMTP host and port may also come from
/// <c>AIRQ_SMTP_HOST</c> and <c>AIRQ_SMTP_PORT</c>, the user and password only from <c>AIRQ_SMTP_USER</c> and
/// <c>AIRQ_SMTP_PASSWORD</c> (see <see cref="SmtpCredentials"/>).
/// </summary>
/// <remarks>Every value is checked here, once; a value out of range throws <see cref="ArgumentOutOfRangeException"/> with a sentence.</remarks>
public sealed class ReportOptions
{
    public ReportOptions(
        TimeOnly? sendAt = null, string timeZone = "Asia/Shanghai", string from = "airq-reports@localhost", string fromName = "AirQuality daily report",
        string smtpHost = "localhost", int smtpPort = 25, bool startTls = true, int maxAttempts = 4, TimeSpan? retryDelay = null, TimeSpan? maxRetryDelay = null,
        TimeSpan? sendTimeout = null, TimeSpan? claimTimeout = null, bool implicitTls = false)
    {
        SendAt = sendAt ?? new TimeOnly(7, 30);
        TimeZone = timeZone;
        Zone = TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone)
            ? zone
            : throw new ArgumentOutOfRangeException(nameof(timeZone), timeZone, $"Reports:TimeZone '{timeZone}' is not a time zone this machine knows; use an IANA id such as Asia/Shanghai.");
        if (!MailAddress.TryCreate(from, out var address) || address.Address != from)
        {
            throw new ArgumentOutOfRangeException(nameof(from), from, $"Reports:From '{from}' is not an e-mail address; write it as name@domain, without a display name (that is Reports:FromName).");
        }

        From = from;
        FromName = fromName;
        if (string.IsNullOrWhiteSpace(smtpHost))
        {
            throw new ArgumentOutOfRangeException(nameof(smtpHost), smtpHost, "Reports:SmtpHost (or AIRQ_SMTP_HOST) must name the SMTP server, for example smtp.example.org.");
        }

        SmtpHost = smtpHost;
        SmtpPort = smtpPort is >= 1 and <= 65535
            ? smtpPort
            : throw new ArgumentOutOfRangeException(nameof(smtpPort), smtpPort, "Reports:SmtpPort (or AIRQ_SMTP_PORT) must be between 1 and 65,535; 587 is the usual port for STARTTLS submission.");
        StartTls = startTls;
        ImplicitTls = implicitTls;
        MaxAttempts = maxAttempts is >= 1 and <= 20
            ? maxAttempts
            : throw new ArgumentOutOfRangeException(nameof(maxAttempts), maxAttempts, "Reports:MaxAttempts must be between 1 and 20 attempts per report.");
        RetryDelay = Within(retryDelay ?? TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1), nameof(retryDelay),
            "Reports:RetryDelay must be between 1 ms and 1 hour.");
        MaxRetryDelay = Within(maxRetryDelay ?? TimeSpan.FromMinutes(10), RetryDelay, TimeSpan.FromHours(6), nameof(maxRetryDelay),
            "Reports:MaxRetryDelay must be at least Reports:RetryDelay and at most 6 hours.");
        SendTimeout = Within(sendTimeout ?? TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(30), nameof(sendTimeout),
            "Reports:SendTimeout must be between 1 second and 30 minutes.");
        // A sender waiting between attempts must not look dead to another one.
        ClaimTimeout = Within(claimTimeout ?? TimeSpan.FromHours(1), TimeSpan.FromMinutes(1), TimeSpan.FromDays(1), nameof(claimTimeout),
            "Reports:ClaimTimeout must be between 1 minute and 1 day.");
        if (ClaimTimeout <= MaxRetryDelay + SendTimeout)
        {
            throw new ArgumentOutOfRangeException(nameof(claimTimeout), ClaimTimeout,
                "Reports:ClaimTimeout must be longer than Reports:MaxRetryDelay plus Reports:SendTimeout, or a sender waiting to retry would be taken for dead.");
        }
    }

    /// <summary>Local time of day (in <see cref="TimeZone"/>) at which <c>airq report worker</c> sends the previous day's reports. Default 07:30.</summary>
    public TimeOnly SendAt { get; }

    /// <summary>IANA time zone of the city: local days, the send time and the times printed in reports. Default Asia/Shanghai.</summary>
    public string TimeZone { get; }

    /// <summary><see cref="TimeZone"/>, resolved.</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary>Sender address (envelope and From header). Default <c>airq-reports@localhost</c>; set it for a real server.</summary>
    public string From { get; }

    /// <summary>Display name of the sender. Default "AirQuality daily report".</summary>
    public string FromName { get; }

    /// <summary>SMTP server host name. Default <c>localhost</c>; <c>AIRQ_SMTP_HOST</c> overrides it.</summary>
    public string SmtpHost { get; }

    /// <summary>SMTP server port. Default 25; <c>AIRQ_SMTP_PORT</c> overrides it.</summary>
    public int SmtpPort { get; }

    /// <summary>
    /// Whether to upgrade the connection with STARTTLS before anything else is said (the send fails if the server
    /// does not offer it). Default true. Turn it off only for a server on this machine, such as a test sink.
    /// </summary>
    public bool StartTls { get; }

    /// <summary>
    /// Whether the connection is TLS from its first byte (SMTPS, usually port 465) instead of upgraded by STARTTLS;
    /// when on, <see cref="StartTls"/> does not apply. Default false.
    /// </summary>
    public bool ImplicitTls { get; }

    /// <summary>How the connection is protected, as the CLI prints it.</summary>
    public string Security => ImplicitTls ? "implicit TLS" : StartTls ? "STARTTLS" : "no TLS";

    /// <summary>SMTP attempts per report before it is recorded as failed; only transient failures (4xx, connection errors) are retried. Default 4.</summary>
    public int MaxAttempts { get; }

    /// <summary>Wait before the second attempt; it doubles after each failure up to <see cref="MaxRetryDelay"/>. Default 30 s.</summary>
    public TimeSpan RetryDelay { get; }

    /// <summary>Longest wait between attempts. Default 10 minutes.</summary>
    public TimeSpan MaxRetryDelay { get; }

    /// <summary>How long one SMTP attempt may take before it counts as failed. Default 1 minute.</summary>
    public TimeSpan SendTimeout { get; }

    /// <summary>
    /// A report claimed by a sender (<c>status = 'sending'</c>) for longer than this is taken over by the next run,
    /// because its sender must have died. Default 1 hour, far longer than all attempts of one send.
    /// </summary>
    public TimeSpan ClaimTimeout { get; }

    /// <summary>
    /// Where the enforcement console is reached from a reader's phone (setting <c>Console:BaseUrl</c>, e.g.
    /// <c>https://airq.example.org/</c>): each flag in the e-mail then links to its page there (which still requires
    /// sign-in). Default null: no link, and the e-mail says to record the finding with the district lead.
    /// </summary>
    public Uri? ConsoleBaseUrl { get; private set; }

    /// <summary>These options with <see cref="ConsoleBaseUrl"/> from <paramref name="baseUrl"/> (null or empty: no links); anything but an absolute http or https URL is refused.</summary>
    public ReportOptions WithConsoleBaseUrl(string? baseUrl)
    {
        if (string.IsNullOrWhiteSpace(baseUrl))
        {
            ConsoleBaseUrl = null;
            return this;
        }

        ConsoleBaseUrl = Uri.TryCreate(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Query.Length == 0
            ? uri
            : throw new ArgumentOutOfRangeException(nameof(baseUrl), baseUrl, $"Console:BaseUrl '{baseUrl}' is not an absolute http or https address without query; write it as the console's address seen from a phone, e.g. https://airq.example.org/.");
        return this;
    }

    /// <summary>Credentials for SMTP authentication, or null to send without; the password is never part of the options.</summary>
    public static NetworkCredential? SmtpCredentials(string? user, string? password)
    {
        if (string.IsNullOrEmpty(user) && string.IsNullOrEmpty(password))
        {
            return null;
        }

        return !string.IsNullOrEmpty(user) && !string.IsNullOrEmpty(password)
            ? new NetworkCredential(user, password)
            : throw new ArgumentOutOfRangeException(nameof(user), "Set both AIRQ_SMTP_USER and AIRQ_SMTP_PASSWORD for SMTP authentication, or neither.");
    }

    static TimeSpan Within(TimeSpan value, TimeSpan min, TimeSpan max, string name, string message) =>
        value >= min && value <= max ? value : throw new ArgumentOutOfRangeException(name, value, message);
}
