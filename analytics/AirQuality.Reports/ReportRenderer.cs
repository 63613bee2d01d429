using System.Globalization;
using AirQuality.Reports.Internal;

namespace AirQuality.Reports;

/// <summary>Turns a <see cref="TeamReport"/> into the e-mail: subject, HTML and plain-text alternatives, and the CSV attachments.</summary>
public static class ReportRenderer
{
    /// <summary>File name of the attached anomalies, sensor faults included.</summary>
    public const string AnomaliesCsv = "anomalies.csv";

    /// <summary>File name of the attached source flags.</summary>
    public const string SourceFlagsCsv = "source-flags.csv";

    /// <summary>
    /// The report; with <paramref name="consoleBaseUrl"/> (<c>Console:BaseUrl</c>) each flag links to its page in the
    /// console; with <paramref name="figures"/> the HTML shows the map and the episode charts (<see cref="ReportImages"/>),
    /// each <c>&lt;img src&gt;</c> being <paramref name="imageSource"/>'s address for it: by default <c>cid:</c> and its
    /// content id, as in the e-mail; <see cref="ReportFileWriter"/> gives a relative path to the PNG beside the file.
    /// </summary>
    public static RenderedReport Render(TeamReport report, Uri? consoleBaseUrl = null, ReportFigures? figures = null, Func<InlineImage, string>? imageSource = null)
    {
        var subject = Subject(report);
        Func<long, Uri?> link = consoleBaseUrl is null ? _ => null : id => new Uri(consoleBaseUrl, "flags/" + id.ToString(CultureInfo.InvariantCulture));
        IReadOnlyList<InlineImage> images = figures is null ? [] : ReportImages.Render(report, figures);
        return new RenderedReport(subject, HtmlReportWriter.Write(report, subject, link, images, imageSource ?? (image => "cid:" + image.ContentId)), TextReportWriter.Write(report, link, images),
            [CsvAttachments.Anomalies(report), CsvAttachments.SourceFlags(report)], images);
    }

    /// <summary>
    /// "Air quality 2026-11-30, Shapingba 沙坪坝区: 2 anomalies, 3 sources to inspect". Control characters (a line break
    /// in a registry name) become spaces: a subject is one header line.
    /// </summary>
    public static string Subject(TeamReport report)
    {
        var places = report.Districts.Count is > 0 and <= 3 ? string.Join(", ", report.Districts.Select(d => d.DisplayName)) : report.Team.Name;
        var sources = report.Attribution.HasRun ? ReportFormat.Count(report.Attribution.ToInspect.Count, "source to inspect", "sources to inspect") : "attribution not run";
        var subject = string.Create(CultureInfo.InvariantCulture,
            $"Air quality {report.Day:yyyy-MM-dd}, {places}: {ReportFormat.Count(report.Anomalies.Count, "anomaly", "anomalies")}, {sources}");
        return string.Concat(subject.Select(ch => char.IsControl(ch) ? ' ' : ch));
    }
}
