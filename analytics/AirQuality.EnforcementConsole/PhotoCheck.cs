namespace AirQuality.EnforcementConsole;

/// <summary>
/// Tells a JPEG or PNG by its first bytes (never by the file's name or the browser's content type, which the sender
/// chooses); anything else is refused.
/// </summary>
public static class PhotoCheck
{
    static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF];

    /// <summary><c>image/png</c>, <c>image/jpeg</c>, or null when the bytes are neither.</summary>
    public static string? ContentType(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith(Png) ? "image/png" : bytes.StartsWith(Jpeg) ? "image/jpeg" : null;
}
