namespace AirQuality.Reports;

/// <summary>
/// A send that failed: <see cref="StatusCode"/> is the SMTP reply code (null when no reply was had, e.g. the server
/// could not be reached), and the message carries the server's text. <see cref="Transient"/> failures (4xx replies,
/// connection errors) are worth retrying; permanent ones (5xx) are not.
/// </summary>
public sealed class MailSendException : Exception
{
    public MailSendException(string message, int? statusCode, bool transient, Exception? inner = null) : base(message, inner)
    {
        StatusCode = statusCode;
        Transient = transient;
    }

    public MailSendException()
    {
    }

    public MailSendException(string message) : base(message)
    {
    }

    public MailSendException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public int? StatusCode { get; }

    public bool Transient { get; }
}
