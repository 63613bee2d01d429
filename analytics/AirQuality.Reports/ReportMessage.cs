using System.Net.Mail;
using MimeKit;
using MimeKit.Text;

namespace AirQuality.Reports;

/// <summary>
/// The MIME message of an <see cref="OutgoingMail"/>: multipart/mixed of a multipart/alternative (text/plain, then
/// text/html, both UTF-8; the HTML in a multipart/related with its inline PNGs when it has images) and the
/// attachments (base64). Subject and display names are UTF-8 encoded words, so a
/// district name such as 沙坪坝区 arrives intact through servers that do not speak SMTPUTF8.
/// </summary>
public static class ReportMessage
{
    /// <summary>The message; a recipient that is not one e-mail address throws a permanent <see cref="MailSendException"/> naming it.</summary>
    public static MimeMessage Build(OutgoingMail mail)
    {
        var message = new MimeMessage { Subject = mail.Subject, MessageId = mail.MessageId.Trim('<', '>') };
        message.From.Add(new MailboxAddress(mail.FromName, mail.FromAddress));
        foreach (var to in mail.To)
        {
            message.To.Add(Recipient(to));
        }

        var html = new TextPart(TextFormat.Html) { Text = mail.HtmlBody };
        var alternative = new MultipartAlternative { new TextPart(TextFormat.Plain) { Text = mail.TextBody } };
        if (mail.Images is { Count: > 0 } images)
        {
            // multipart/related around the HTML: each <img src="cid:..."> finds its picture without fetching anything.
            var related = new MultipartRelated { html };
            foreach (var image in images)
            {
                related.Add(new MimePart("image", "png")
                {
                    Content = new MimeContent(new MemoryStream(image.Png.ToArray(), writable: false)),
                    ContentId = image.ContentId,
                    ContentDisposition = new ContentDisposition(ContentDisposition.Inline),
                    ContentTransferEncoding = ContentEncoding.Base64,
                });
            }

            alternative.Add(related);
        }
        else
        {
            alternative.Add(html);
        }
        var mixed = new Multipart("mixed") { alternative };
        foreach (var file in mail.Attachments)
        {
            var type = ContentType.Parse(file.MediaType);
            if (file.CharSet is not null)
            {
                type.Charset = file.CharSet;
            }

            mixed.Add(new MimePart(type)
            {
                Content = new MimeContent(new MemoryStream(file.Content.ToArray(), writable: false)),
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = file.FileName,
            });
        }

        message.Body = mixed;
        return message;
    }

    /// <summary>
    /// <paramref name="address"/> as one recipient. The registry import checks every address, but a row written before
    /// it did, or by hand, may hold anything; that is this team's permanent failure, not a crash of the whole run.
    /// </summary>
    static MailboxAddress Recipient(string address)
    {
        if (MailAddress.TryCreate(address, out var parsed) && parsed.Address == address && parsed.DisplayName.Length == 0
            && MailboxAddress.TryParse(address, out var mailbox))
        {
            return mailbox;
        }

        throw new MailSendException(
            $"recipient '{address}' is not one e-mail address (name@domain), so the report was not sent; correct recipient_emails in teams.csv and import the registry again",
            null, transient: false);
    }
}
