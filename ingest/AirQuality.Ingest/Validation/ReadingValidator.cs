using System.Globalization;
using System.Text.Json;
using AirQuality.Contracts;

namespace AirQuality.Ingest.Validation;

/// <summary>The readings of one message that passed, and the rejections.</summary>
public sealed record ValidationResult(IReadOnlyList<SensorReading> Readings, IReadOnlyList<Rejection> Rejections)
{
    /// <summary>How many readings the message carried (a message that could not be read counts as one).</summary>
    public int ReadingCount => Readings.Count + Rejections.Count;
}

/// <summary>
/// Checks a message of topic <see cref="Topics.SensorReadings"/> at the boundary: one reading object, or a batch
/// <c>{"gateway_id": ..., "readings": [...]}</c>. Each reading is judged on its own, so a batch with some bad
/// readings keeps the good ones.
/// </summary>
/// <remarks>
/// Reads with <see cref="JsonDocument"/> instead of the contract serializer so that each failure gets its own
/// reason code and names the field, which a serializer exception would not do reliably.
/// </remarks>
public sealed class ReadingValidator(KnownSensors knownSensors, IngestOptions options, TimeProvider time)
{
    static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16 };

    // ISO 8601 with an explicit zone only: a local time without offset is ambiguous by eight hours here.
    static readonly string[] TimestampFormats =
        ["yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz"];

    public ValidationResult Validate(ReadOnlyMemory<byte> message)
    {
        if (message.Length > options.MaxMessageBytes)
        {
            return Reject(RejectReason.Oversized, $"message is {message.Length:N0} bytes; the limit is {options.MaxMessageBytes:N0}", message);
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

            if (!root.TryGetProperty("readings", out var batch))
            {
                var (single, reason, detail) = ValidateOne(root, null);
                return single is not null ? new ValidationResult([single], []) : Reject(reason, detail, message);
            }

            if (batch.ValueKind != JsonValueKind.Array)
            {
                return Reject(RejectReason.WrongType, $"field 'readings' must be an array, got {batch.ValueKind}", message);
            }

            var good = new List<SensorReading>();
            var bad = new List<Rejection>();
            var index = 0;
            foreach (var element in batch.EnumerateArray())
            {
                var (reading, reason, detail) = ValidateOne(element, index);
                if (reading is not null)
                {
                    good.Add(reading);
                }
                else
                {
                    bad.Add(new Rejection(reason, detail, System.Text.Encoding.UTF8.GetBytes(element.GetRawText()), index));
                }

                index++;
            }

            return new ValidationResult(good, bad);
        }
    }

    (SensorReading? Reading, string Reason, string Detail) ValidateOne(JsonElement e, int? index)
    {
        var where = index is { } i ? $"readings[{i}]: " : "";
        if (e.ValueKind != JsonValueKind.Object)
        {
            return Fail(RejectReason.WrongType, $"{where}expected an object, got {e.ValueKind}");
        }

        if (!e.TryGetProperty("sensor_id", out var idElement))
        {
            return Fail(RejectReason.MissingField, $"{where}field 'sensor_id' is missing");
        }

        if (idElement.ValueKind != JsonValueKind.String || idElement.GetString() is not { Length: > 0 and <= 64 } sensorId)
        {
            return Fail(RejectReason.WrongType, $"{where}field 'sensor_id' must be a string of 1 to 64 characters");
        }

        if (!e.TryGetProperty("observed_at", out var timeElement))
        {
            return Fail(RejectReason.MissingField, $"{where}field 'observed_at' is missing");
        }

        if (timeElement.ValueKind != JsonValueKind.String
            || !DateTimeOffset.TryParseExact(timeElement.GetString(), TimestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var observedAt))
        {
            return Fail(RejectReason.WrongType, $"{where}field 'observed_at' must be an ISO 8601 timestamp with Z or an offset, such as 2026-06-30T08:00:00Z");
        }

        var values = new double?[PhysicalRanges.Readings.Count];
        for (var f = 0; f < values.Length; f++)
        {
            var (field, min, max, unit) = PhysicalRanges.Readings[f];
            if (!e.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                if (field == "pm25")
                {
                    return Fail(RejectReason.MissingField, $"{where}field 'pm25' is missing");
                }

                continue;
            }

            if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var number))
            {
                return Fail(RejectReason.WrongType, $"{where}field '{field}' must be a number in {unit}, got {v.ValueKind}");
            }

            if (!double.IsFinite(number))
            {
                return Fail(RejectReason.NotFinite, $"{where}field '{field}' is not a finite number");
            }

            if (number < min || number > max)
            {
                return Fail(RejectReason.OutOfRange, $"{where}field '{field}' is {number.ToString(CultureInfo.InvariantCulture)} {unit}; the physical range is {min} to {max}");
            }

            values[f] = number;
        }

        if (!knownSensors.Contains(sensorId))
        {
            return Fail(RejectReason.UnknownSensor, $"{where}sensor '{sensorId}' is not in the registry");
        }

        var now = time.GetUtcNow();
        if (observedAt > now + options.FutureTolerance)
        {
            return Fail(RejectReason.TimestampInFuture, $"{where}observed_at {observedAt:O} is more than {options.FutureTolerance} ahead of the server clock");
        }

        if (observedAt < now - options.MaxAge)
        {
            return Fail(RejectReason.TimestampTooOld, $"{where}observed_at {observedAt:O} is older than the {options.MaxAge.TotalDays:0}-day horizon");
        }

        return (new SensorReading(sensorId, observedAt.ToUniversalTime(), values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7], values[8], values[9], values[10]), "", "");
    }

    static (SensorReading?, string, string) Fail(string reason, string detail) => (null, reason, detail);

    static ValidationResult Reject(string reason, string detail, ReadOnlyMemory<byte> message) => new([], [new Rejection(reason, detail, message)]);
}
