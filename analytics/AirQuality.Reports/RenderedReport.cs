namespace AirQuality.Reports;

/// <summary>A report ready to send or save: subject, HTML and plain-text alternatives with the same facts, and the CSV attachments.</summary>
public sealed record RenderedReport(string Subject, string Html, string Text, IReadOnlyList<MailAttachment> Attachments);
