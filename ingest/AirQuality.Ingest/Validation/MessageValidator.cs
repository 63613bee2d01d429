using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using AirQuality.Contracts;

namespace AirQuality.Ingest.Validation;

/// <summary>The records of one message that passed, and the rejections.</summary>
public sealed record ValidationResult(IReadOnlyList<SensorReading> Readings, IReadOnlyList<SourceTelemetry> Telemetry, IReadOnlyList<Rejection> Rejections)
{
    /// <summary>How many records the message carried (a message that could not be read counts as one).</summary>
    public int RecordCount => Readings.Count + Telemetry.Count + Rejections.Count;
}

/// <summary>
/// Checks a message at the boundary. A message holds one record object, or a batch from one gateway:
/// <c>{"gateway_id": ..., "readings": [...]}</c> on <see cref="Topics.SensorReadings"/>,
/// <c>{"gateway_id": ..., "records": [...]}</c> on <see cref="Topics.SourceTelemetry"/>. Each record is judged on
/// its own, so a batch with some bad records keeps the good ones.
/// </summary>
/// <remarks>
/// Reads with <see cref="JsonDocument"/> instead of the contract serializer so that each failure gets its own
/// reason code and names the field, which a serializer exception would not do reliably.
/// </remarks>
public sealed class MessageValidator(KnownIds sensors, KnownIds sources, IngestOptions options, TimeProvider time)
{
    static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16 };

    // ISO 8601 with an explicit zone only: a local time without offset is ambiguous by eight hours here.
    static readonly string[] TimestampFormats =
        ["yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz"];

    static readonly ValidationResult Empty = new([], [], []);

    /// <summary>Validates a message of <paramref name="topic"/>.</summary>
    public ValidationResult Validate(string topic, ReadOnlyMemory<byte> message)
    {
        var telemetry = topic == Topics.SourceTelemetry;
        if (message.Length > options.MaxMessageBytes)
        {
            return Reject(RejectReason.Oversized, $"message is {message.Length:N0} bytes; the limit is {options.MaxMessageBytes:N0}", message);
        }

        if (!telemetry && FastPath(message.Span) is { } clean)
        {
            return clean;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(message, DocumentOptions);
        }
        catch (JsonException e)
        {
            return Reject(RejectReason.MalformedJson, $"not valid JSON: {e.Message}", message);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Reject(RejectReason.WrongType, $"expected a JSON object, got {root.ValueKind}", message);
            }

            var batchField = telemetry ? "records" : "readings";
            JsonElement batch;
            try
            {
                if (!root.TryGetProperty(batchField, out batch))
                {
                    batch = default;
                }
            }
            catch (InvalidOperationException)
            {
                return Reject(RejectReason.MalformedJson, $"a property name {NotText}", message);
            }

            if (batch.ValueKind == JsonValueKind.Undefined)
            {
                var (reading, record, reason, detail) = Parse(root, "", telemetry);
                return reason.Length == 0 ? new ValidationResult(reading is null ? [] : [reading], record is null ? [] : [record], []) : Reject(reason, detail, message);
            }

            if (batch.ValueKind != JsonValueKind.Array)
            {
                return Reject(RejectReason.WrongType, $"field '{batchField}' must be an array, got {batch.ValueKind}", message);
            }

            var readings = new List<SensorReading>();
            var records = new List<SourceTelemetry>();
            var rejections = new List<Rejection>();
            var index = 0;
            foreach (var element in batch.EnumerateArray())
            {
                var where = $"{batchField}[{index}]: ";
                var (reading, record, reason, detail) = Parse(element, where, telemetry);
                if (reason.Length > 0)
                {
                    // The element's bytes as they came: GetRawText would transcode them, and throw on text that is not UTF-8.
                    rejections.Add(new Rejection(reason, detail, JsonMarshal.GetRawUtf8Value(element).ToArray(), index));
                }
                else if (reading is not null)
                {
                    readings.Add(reading);
                }
                else
                {
                    records.Add(record!);
                }

                index++;
            }

            return readings.Count + records.Count + rejections.Count == 0 ? Empty : new ValidationResult(readings, records, rejections);
        }
    }

    /// <summary>A clean single reading or gateway batch read in one pass; null means "judge it the thorough way".</summary>
    ValidationResult? FastPath(ReadOnlySpan<byte> json)
    {
        var now = time.GetUtcNow();
        var values = new double?[PhysicalRanges.Readings.Count];
        if (FastReadingParser.TryParse(json, out var sensorId, out var observedAt, values))
        {
            return Clean(sensorId, observedAt, values, now) is { } reading ? new ValidationResult([reading], [], []) : null;
        }

        return FastBatch(json, now);
    }

    // Its own method: the lambda's captures would otherwise be allocated for every single reading too.
    ValidationResult? FastBatch(ReadOnlySpan<byte> json, DateTimeOffset now)
    {
        var readings = new List<SensorReading>();
        return FastReadingParser.TryParseBatch(json, (id, at, v) => Clean(id, at, v, now) is { } r && Added(readings, r)) ? new ValidationResult(readings, [], []) : null;

        static bool Added(List<SensorReading> list, SensorReading reading)
        {
            list.Add(reading);
            return true;
        }
    }

    /// <summary>The reading, when its sensor is known and its time within the accepted window; otherwise null.</summary>
    SensorReading? Clean(string sensorId, DateTimeOffset observedAt, double?[] values, DateTimeOffset now) =>
        sensors.Contains(sensorId) && observedAt <= now + options.FutureTolerance && observedAt >= now - options.MaxAge
            ? ReadingOf(sensorId, observedAt, values)
            : null;

    /// <summary>A reading from its measurements in the order of <see cref="PhysicalRanges.Readings"/>, as both parsers fill them.</summary>
    static SensorReading ReadingOf(string sensorId, DateTimeOffset observedAt, double?[] values) =>
        new(sensorId, observedAt, values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7], values[8], values[9], values[10]);

    (SensorReading?, SourceTelemetry?, string Reason, string Detail) Parse(JsonElement e, string where, bool telemetry)
    {
        try
        {
            return telemetry ? ParseTelemetry(e, where) : ParseReading(e, where);
        }
        catch (InvalidOperationException)
        {
            // Looking a field up unescapes the property names it passes; one that escapes a lone surrogate throws.
            // The fields read as text are checked by name before this; this is what is left.
            return (null, null, RejectReason.MalformedJson, $"{where}a property name {NotText}");
        }
    }

    (SensorReading?, SourceTelemetry?, string Reason, string Detail) ParseReading(JsonElement e, string where)
    {
        var (sensorId, observedAt, reason, detail) = ParseIdentity(e, where, "sensor_id", sensors, RejectReason.UnknownSensor, "sensor");
        if (reason.Length > 0)
        {
            return (null, null, reason, detail);
        }

        var values = new double?[PhysicalRanges.Readings.Count];
        (reason, detail) = ParseNumbers(e, where, PhysicalRanges.Readings, values, required: "pm25");
        return reason.Length > 0
            ? (null, null, reason, detail)
            : (ReadingOf(sensorId, observedAt, values), null, "", "");
    }

    (SensorReading?, SourceTelemetry?, string Reason, string Detail) ParseTelemetry(JsonElement e, string where)
    {
        var (sourceId, observedAt, reason, detail) = ParseIdentity(e, where, "source_id", sources, RejectReason.UnknownSource, "source");
        if (reason.Length > 0)
        {
            return (null, null, reason, detail);
        }

        var values = new double?[PhysicalRanges.Telemetry.Count];
        (reason, detail) = ParseNumbers(e, where, PhysicalRanges.Telemetry, values, required: null);
        if (reason.Length > 0)
        {
            return (null, null, reason, detail);
        }

        string? status = null;
        if (e.TryGetProperty("operating_status", out var s) && s.ValueKind != JsonValueKind.Null)
        {
            if (s.ValueKind != JsonValueKind.String)
            {
                return (null, null, RejectReason.WrongType, $"{where}field 'operating_status' must be a string");
            }

            if (TextOf(s) is not { } text)
            {
                return (null, null, RejectReason.MalformedJson, $"{where}field 'operating_status' {NotText}");
            }

            status = text;
            if (!OperatingStatuses.All.Contains(status))
            {
                return (null, null, RejectReason.OutOfRange, $"{where}field 'operating_status' is '{Truncate(status)}'; expected one of {string.Join(", ", OperatingStatuses.All)}");
            }
        }

        return (null, new SourceTelemetry(sourceId, observedAt, values[0], values[1], values[2], values[3], status), "", "");
    }

    (string Id, DateTimeOffset ObservedAt, string Reason, string Detail) ParseIdentity(JsonElement e, string where, string idField, KnownIds known, string unknownReason, string noun)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            return ("", default, RejectReason.WrongType, $"{where}expected an object, got {e.ValueKind}");
        }

        if (!e.TryGetProperty(idField, out var idElement))
        {
            return ("", default, RejectReason.MissingField, $"{where}field '{idField}' is missing");
        }

        if (idElement.ValueKind == JsonValueKind.String && TextOf(idElement) is null)
        {
            return ("", default, RejectReason.MalformedJson, $"{where}field '{idField}' {NotText}");
        }

        if (idElement.ValueKind != JsonValueKind.String || idElement.GetString() is not { Length: > 0 and <= 64 } id)
        {
            return ("", default, RejectReason.WrongType, $"{where}field '{idField}' must be a string of 1 to 64 characters");
        }

        if (!e.TryGetProperty("observed_at", out var timeElement))
        {
            return ("", default, RejectReason.MissingField, $"{where}field 'observed_at' is missing");
        }

        if (timeElement.ValueKind == JsonValueKind.String && TextOf(timeElement) is null)
        {
            return ("", default, RejectReason.MalformedJson, $"{where}field 'observed_at' {NotText}");
        }

        if (timeElement.ValueKind != JsonValueKind.String
            || !DateTimeOffset.TryParseExact(timeElement.GetString(), TimestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var observedAt))
        {
            return ("", default, RejectReason.WrongType, $"{where}field 'observed_at' must be an ISO 8601 timestamp with Z or an offset, such as 2026-06-30T08:00:00Z");
        }

        if (!known.Contains(id))
        {
            return ("", default, unknownReason, $"{where}{noun} '{id}' is not in the registry");
        }

        var now = time.GetUtcNow();
        if (observedAt > now + options.FutureTolerance)
        {
            return ("", default, RejectReason.TimestampInFuture, $"{where}observed_at {observedAt:O} is more than {options.FutureTolerance} ahead of the server clock");
        }

        if (observedAt < now - options.MaxAge)
        {
            return ("", default, RejectReason.TimestampTooOld, $"{where}observed_at {observedAt:O} is older than the {options.MaxAge.TotalDays:0}-day horizon");
        }

        return (id, observedAt.ToUniversalTime(), "", "");
    }

    static (string Reason, string Detail) ParseNumbers(JsonElement e, string where, IReadOnlyList<(string Field, double Min, double Max, string Unit)> fields, double?[] values, string? required)
    {
        for (var f = 0; f < fields.Count; f++)
        {
            var (field, min, max, unit) = fields[f];
            if (!e.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                if (field == required)
                {
                    return (RejectReason.MissingField, $"{where}field '{field}' is missing");
                }

                continue;
            }

            if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var number))
            {
                return (RejectReason.WrongType, $"{where}field '{field}' must be a number in {unit}, got {v.ValueKind}");
            }

            if (!double.IsFinite(number))
            {
                return (RejectReason.NotFinite, $"{where}field '{field}' is not a finite number");
            }

            if (number < min || number > max)
            {
                return (RejectReason.OutOfRange, $"{where}field '{field}' is {number.ToString(CultureInfo.InvariantCulture)} {unit}; the physical range is {min} to {max}");
            }

            values[f] = number;
        }

        return ("", "");
    }

    const string NotText = "is not valid UTF-8 text (a byte sequence that is not UTF-8, or an escaped lone surrogate such as \\uD800)";

    /// <summary>The string's text, or null when it cannot become one: <see cref="JsonElement.GetString"/> throws on bytes that are not UTF-8 and on lone surrogate escapes.</summary>
    static string? TextOf(JsonElement e)
    {
        try
        {
            return e.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";

    static ValidationResult Reject(string reason, string detail, ReadOnlyMemory<byte> message) => new([], [], [new Rejection(reason, detail, message)]);
}
