namespace AirQuality.Tests.Support;

/// <summary>One MIME part of a <see cref="ReceivedMail"/>; <see cref="Text"/> is the decoded content of a leaf part, null for a multipart.</summary>
public sealed record ReceivedPart(string ContentType, string? CharSet, string? FileName, string? Disposition, string? TransferEncoding, string? Text);
