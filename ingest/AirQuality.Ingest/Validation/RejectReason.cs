namespace AirQuality.Ingest.Validation;

/// <summary>Why a message or reading was dead-lettered. The code travels in the <c>airq-reason</c> header.</summary>
public static class RejectReason
{
    public const string MalformedJson = "malformed_json";
    public const string MissingField = "missing_field";
    public const string WrongType = "wrong_type";
    public const string UnknownSensor = "unknown_sensor";
    public const string UnknownSource = "unknown_source";
    public const string OutOfRange = "out_of_range";
    public const string NotFinite = "not_finite";
    public const string TimestampInFuture = "timestamp_in_future";
    public const string TimestampTooOld = "timestamp_too_old";
    public const string Oversized = "oversized";

    public static readonly IReadOnlyList<string> All =
        [MalformedJson, MissingField, WrongType, UnknownSensor, UnknownSource, OutOfRange, NotFinite, TimestampInFuture, TimestampTooOld, Oversized];
}

/// <summary>A rejected message, or one rejected reading of a batch: the bytes to dead-letter, the reason code and a sentence for people.</summary>
public sealed record Rejection(string Reason, string Detail, ReadOnlyMemory<byte> Payload, int? BatchIndex = null);
