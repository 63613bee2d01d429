using System.Text.Json;

namespace AirQuality.Tests.Support;

/// <summary>A message the <see cref="SmtpSink"/> accepted, as Python's <c>email</c> package read it: decoded headers and parts.</summary>
public sealed record ReceivedMail(
    string MailFrom, IReadOnlyList<string> RcptTos, string? Login, string Subject, string From, IReadOnlyList<string> To, string? MessageId,
    IReadOnlyDictionary<string, string> RawHeaders, bool HeadersAscii, string ContentType, IReadOnlyList<ReceivedPart> Parts, string EmlPath, bool Tls, bool SmtpUtf8,
    IReadOnlyList<string> MailOptions, int Connection)
{
    public static ReceivedMail Parse(string json, string emlPath)
    {
        using var doc = JsonDocument.Parse(json);
        var r = doc.RootElement;
        static string? S(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : e.GetProperty(name).GetString();
        return new ReceivedMail(
            r.GetProperty("mail_from").GetString()!, [.. r.GetProperty("rcpt_tos").EnumerateArray().Select(x => x.GetString()!)], S(r, "login"),
            r.GetProperty("subject").GetString()!, r.GetProperty("from").GetString()!, [.. r.GetProperty("to").EnumerateArray().Select(x => x.GetString()!)],
            S(r, "message_id"), r.GetProperty("raw_headers").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.OrdinalIgnoreCase),
            r.GetProperty("headers_ascii").GetBoolean(), r.GetProperty("content_type").GetString()!,
            [.. r.GetProperty("parts").EnumerateArray().Select(p => new ReceivedPart(
                p.GetProperty("content_type").GetString()!, S(p, "charset"), S(p, "filename"), S(p, "disposition"), S(p, "transfer_encoding"),
                p.TryGetProperty("text", out var text) ? text.GetString() : null, S(p, "content_id"),
                p.TryGetProperty("base64", out var bytes) ? Convert.FromBase64String(bytes.GetString()!) : null))],
            emlPath, r.GetProperty("tls").GetBoolean(), r.GetProperty("smtp_utf8").GetBoolean(),
            [.. r.GetProperty("mail_options").EnumerateArray().Select(x => x.GetString()!)], r.GetProperty("connection").GetInt32());
    }
}
