using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Text;

namespace AirQuality.Reports;

/// <summary>
/// Sends through an SMTP server with the framework's <see cref="SmtpClient"/>: STARTTLS when
/// <see cref="ReportOptions.StartTls"/> is set, authentication when credentials are given. One connection per message.
/// </summary>
/// <remarks>
/// The message is multipart/mixed: a multipart/alternative of text/plain and text/html (both UTF-8, quoted-printable),
/// then the attachments (base64). Subject and display names are UTF-8 encoded words, so a district name such as
/// 沙坪坝区 arrives intact through servers that do not speak SMTPUTF8. A recipient with a non-ASCII local part
/// (执法一队@example.org) needs SMTPUTF8: the message then asks for it, and a server that does not offer it fails the
/// send permanently.
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
        // Only a message that needs it asks for SMTPUTF8 (RFC 6531), so ASCII mail stays 7-bit for every server.
        var needUtf8 = mail.To.Append(mail.FromAddress).Where(NeedsSmtpUtf8).ToList();
        using var client = new SmtpClient(_options.SmtpHost, _options.SmtpPort)
        {
            DeliveryMethod = SmtpDeliveryMethod.Network,
            DeliveryFormat = needUtf8.Count > 0 ? SmtpDeliveryFormat.International : SmtpDeliveryFormat.SevenBit,
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
        catch (SmtpException e) when (needUtf8.Count > 0 && e.StatusCode == SmtpStatusCode.GeneralFailure && e.InnerException is null)
        {
            // SmtpClient refuses by itself, after EHLO and before MAIL, when the server does not advertise SMTPUTF8: no
            // reply code and no I/O error behind it. The address cannot be downgraded, so retrying cannot help.
            throw new MailSendException(
                $"SMTP server {_options.SmtpHost}:{_options.SmtpPort} does not offer SMTPUTF8, which {string.Join(", ", needUtf8)} (non-ASCII before the '@') needs, "
                + $"so the report cannot be sent through it: give the team an ASCII address in teams.csv, or use a server that supports SMTPUTF8 ({e.Message})",
                null, transient: false, e);
        }
        catch (SmtpException e) when (e.StatusCode == SmtpStatusCode.GeneralFailure)
        {
            // No SMTP reply: the server could not be reached, or the connection broke. Worth another try.
            var cause = e.InnerException?.Message ?? e.Message;
            throw new MailSendException(
                $"SMTP server {_options.SmtpHost}:{_options.SmtpPort} could not be reached or dropped the connection: {cause} "
                + "(the server is set by AIRQ_SMTP_HOST and AIRQ_SMTP_PORT, or Reports:SmtpHost and Reports:SmtpPort)", null, transient: true, e);
        }
        catch (SmtpException e)
        {
            // SmtpException's message carries the server's own text ("... The server response was: 4.3.0 ...").
            var code = (int)e.StatusCode;
            throw new MailSendException($"SMTP {code} from {_options.SmtpHost}:{_options.SmtpPort}: {e.Message}", code, transient: code is >= 400 and < 500, e);
        }
    }

    /// <summary>
    /// The <see cref="MailMessage"/> for <paramref name="mail"/>; the caller disposes it. A recipient that is not one
    /// e-mail address throws a permanent <see cref="MailSendException"/> naming it.
    /// </summary>
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
                message.To.Add(Recipient(to));
            }

            var html = AlternateView.CreateAlternateViewFromString(mail.HtmlBody, Encoding.UTF8, MediaTypeNames.Text.Html);
            html.TransferEncoding = TransferEncoding.QuotedPrintable;
            foreach (var image in mail.Images ?? [])
            {
                // multipart/related beside the HTML: the <img src="cid:..."> finds its picture without fetching anything.
                html.LinkedResources.Add(new LinkedResource(new MemoryStream(image.Png.ToArray(), writable: false), "image/png")
                {
                    ContentId = image.ContentId,
                    TransferEncoding = TransferEncoding.Base64,
                });
            }

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

    /// <summary>
    /// <paramref name="address"/> as one recipient. The registry import checks every address, but a row written before
    /// it did, or by hand, may hold anything; that is this team's permanent failure, not a crash of the whole run.
    /// </summary>
    static MailAddress Recipient(string address)
    {
        if (MailAddress.TryCreate(address, out var parsed) && parsed.Address == address && parsed.DisplayName.Length == 0)
        {
            return parsed;
        }

        throw new MailSendException(
            $"recipient '{address}' is not one e-mail address (name@domain), so the report was not sent; correct recipient_emails in teams.csv and import the registry again",
            null, transient: false);
    }

    /// <summary>Whether <paramref name="address"/> has non-ASCII characters before its '@' (a non-ASCII domain can travel as punycode instead).</summary>
    static bool NeedsSmtpUtf8(string address) => !Ascii.IsValid(address.AsSpan(0, Math.Max(0, address.LastIndexOf('@'))));

    static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}
