namespace AirQuality.Reports;

/// <summary>Hands an e-mail to a mail server. One attempt: retries belong to <see cref="ReportSender"/>.</summary>
public interface IMailSender
{
    /// <summary>Sends <paramref name="mail"/>; throws <see cref="MailSendException"/> when the server refuses it or cannot be reached.</summary>
    Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken);
}
