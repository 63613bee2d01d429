namespace AirQuality.Reports;

/// <summary>A file attached to an e-mail: its name, media type (with charset for text) and bytes.</summary>
public sealed record MailAttachment(string FileName, string MediaType, string CharSet, ReadOnlyMemory<byte> Content);
