namespace AirQuality.Reports;

/// <summary>A PNG shown inside the HTML part (<c>&lt;img src="cid:ContentId"&gt;</c>), with the alt text that says what it shows.</summary>
public sealed record InlineImage(string ContentId, string AltText, ReadOnlyMemory<byte> Png);
