using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Text;

namespace AirQuality.Analytics.Reports;

/// <summary>
/// Sends through an SMTP server with the framework's <see cref="SmtpClient"/>: STARTTLS when
/// <see cref="ReportOptions.StartTls"/> is set, authentication when credentials are given. One connection per message.
/// </summary>
/// <remarks>
/// The message is multipart/mixed: a multipart/alternative of text/plain and text/html (both UTF-8, quoted-printable),
/// then the attachments (base64). Subject and display names are UTF-8 encoded words, so a district name such as
/// 沙坪坝区 arrives intact through servers that do not speak SMTPUTF8.
/// </remarks>
public sealed class SmtpMailSender : IMailSender
{
    readonly ReportOptions _options;
    readonly NetworkCredential? _credentials;

    public SmtpMailSender(ReportOptions options, NetworkCredential? credentials)
    {
        // A password sent without TLS can be read by anyone on the path; only a server on this machine is exempt.
        if (credentials is not null && !options.StartTls && !IsLoopback(options.SmtpHost))
        {
            throw new ArgumentOutOfRangeException(nameof(credentials),
                $"SMTP credentials are set but Reports:StartTls is false, so the password would cross the network to {options.SmtpHost} in clear text; turn StartTls on.");
        }

        _options = options;
        _credentials = credentials;
    }

    public async Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        using var message = ToMessage(mail);
        using var client = new SmtpClient(_options.SmtpHost, _options.SmtpPort)
        {
            DeliveryMethod = SmtpDeliveryMethod.Network,
            EnableSsl = _options.StartTls,
            Timeout = (int)_options.SendTimeout.TotalMilliseconds,
            UseDefaultCredentials = false,
        };
        if (_credentials is not null)
        {
            client.Credentials = _credentials;
        }

        try
        {
            await client.SendMailAsync(message, cancellationToken);
        }
        catch (SmtpException e) when (e.StatusCode == SmtpStatusCode.GeneralFailure)
        {
            // No SMTP reply: the server could not be reached, or the connection broke. Worth another try.
            var cause = e.InnerException?.Message ?? e.Message;
            throw new MailSendException($"SMTP server {_options.SmtpHost}:{_options.SmtpPort} could not be reached or dropped the connection: {cause}", null, transient: true, e);
        }
        catch (SmtpException e)
        {
            // SmtpException's message carries the server's own text ("... The server response was: 4.3.0 ...").
            var code = (int)e.StatusCode;
            throw new MailSendException($"SMTP {code} from {_options.SmtpHost}:{_options.SmtpPort}: {e.Message}", code, transient: code is >= 400 and < 500, e);
        }
    }

    /// <summary>The <see cref="MailMessage"/> for <paramref name="mail"/>; the caller disposes it.</summary>
    public static MailMessage ToMessage(OutgoingMail mail)
    {
        var message = new MailMessage
        {
            From = new MailAddress(mail.FromAddress, mail.FromName, Encoding.UTF8),
            Subject = mail.Subject,
            SubjectEncoding = Encoding.UTF8,
            HeadersEncoding = Encoding.UTF8,
            Body = mail.TextBody,
            BodyEncoding = Encoding.UTF8,
            BodyTransferEncoding = TransferEncoding.QuotedPrintable,
            IsBodyHtml = false,
        };
        try
        {
            foreach (var to in mail.To)
            {
                message.To.Add(new MailAddress(to));
            }

            var html = AlternateView.CreateAlternateViewFromString(mail.HtmlBody, Encoding.UTF8, MediaTypeNames.Text.Html);
            html.TransferEncoding = TransferEncoding.QuotedPrintable;
            message.AlternateViews.Add(html);
            foreach (var file in mail.Attachments)
            {
                var attachment = new Attachment(new MemoryStream(file.Content.ToArray(), writable: false), new ContentType(file.MediaType) { CharSet = file.CharSet, Name = file.FileName })
                {
                    TransferEncoding = TransferEncoding.Base64,
                };
                attachment.ContentDisposition!.FileName = file.FileName;
                message.Attachments.Add(attachment);
            }

            message.Headers.Add("Message-ID", mail.MessageId);
            return message;
        }
        catch
        {
            message.Dispose();
            throw;
        }
    }

    static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}
