namespace AirQuality.Reports;

/// <summary>A report saved to disk by <see cref="ReportFileWriter"/>: its HTML and text files, the PNGs the HTML shows, and its subject.</summary>
/// <remarks>Paths are full paths; <see cref="Images"/> is empty when the report has no map or chart.</remarks>
public sealed record WrittenReport(string HtmlPath, string TextPath, IReadOnlyList<string> Images, string Subject);
