namespace AirQuality.Reports;

/// <summary>A report ready to send or save: subject, HTML and plain-text alternatives with the same facts, and the CSV attachments.</summary>
/// <remarks><see cref="Images"/> are shown inside the HTML by their content id (in a saved file, by the relative path of their PNG); their alt texts are in the text part too.</remarks>
public sealed record RenderedReport(string Subject, string Html, string Text, IReadOnlyList<MailAttachment> Attachments, IReadOnlyList<InlineImage> Images);
