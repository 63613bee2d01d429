namespace AirQuality.Reports;

/// <summary>A PNG shown inside the HTML part (<c>&lt;img src="cid:ContentId"&gt;</c>), with the alt text that says what it shows.</summary>
public sealed record InlineImage(string ContentId, string AltText, ReadOnlyMemory<byte> Png)
{
    /// <summary>
    /// The file name the image gets beside a report saved to disk (<see cref="ReportFileWriter"/>): the content id's
    /// part before the <c>@</c> with <c>.png</c>, so <c>map@airq</c> is <c>map.png</c> and <c>episode-1@airq</c> is <c>episode-1.png</c>.
    /// </summary>
    public string FileName => (ContentId.IndexOf('@', StringComparison.Ordinal) is var at and >= 0 ? ContentId[..at] : ContentId) + ".png";
}
