namespace AirQuality.Reports;

/// <summary>
/// One e-mail to send: a plain-text and an HTML alternative of the same facts, attachments, PNG images the HTML shows
/// inline (none when null), and the Message-ID
/// (with angle brackets) that the sender must put in the header, so a delivery can be recorded by it.
/// </summary>
public sealed record OutgoingMail(
    string FromAddress, string FromName, IReadOnlyList<string> To, string Subject, string TextBody, string HtmlBody,
    IReadOnlyList<MailAttachment> Attachments, string MessageId, IReadOnlyList<InlineImage>? Images = null);
