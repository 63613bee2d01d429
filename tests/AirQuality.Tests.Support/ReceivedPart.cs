namespace AirQuality.Tests.Support;

/// <summary>
/// One MIME part of a <see cref="ReceivedMail"/>; <see cref="Text"/> is the decoded content of a leaf part, null for a
/// multipart; <see cref="ContentId"/> its Content-ID header (with angle brackets); <see cref="Bytes"/> the decoded content of an image.
/// </summary>
public sealed record ReceivedPart(string ContentType, string? CharSet, string? FileName, string? Disposition, string? TransferEncoding, string? Text,
    string? ContentId = null, byte[]? Bytes = null);
