using System.Text;
using System.Text.Json;

namespace AirQuality.Ingest.Validation;

/// <summary>
/// Reads the common cases, one well-formed sensor reading or a gateway batch of them, in a single forward pass
/// without building a document. It only ever says "these are clean readings" or "not sure": anything else (a bad or missing field, an
/// unusual timestamp) makes it give up, and <see cref="MessageValidator"/> judges the message the thorough way,
/// which is what assigns reason codes. So it can make validation faster but never change a verdict.
/// </summary>
static class FastReadingParser
{
    static readonly byte[] SensorId = "sensor_id"u8.ToArray();
    static readonly byte[] ObservedAt = "observed_at"u8.ToArray();
    static readonly byte[] Readings = "readings"u8.ToArray();
    static readonly byte[][] Fields = PhysicalRanges.Readings.Select(f => Encoding.UTF8.GetBytes(f.Field)).ToArray();
    static readonly JsonReaderOptions Options = new() { MaxDepth = 16 };

    /// <summary>True when <paramref name="json"/> is one reading whose fields are all present with the right types and within range.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, out string sensorId, out DateTimeOffset observedAt, double?[] values)
    {
        (sensorId, observedAt) = ("", default);
        try
        {
            var reader = new Utf8JsonReader(json, Options);
            return reader.Read() && TryReadReading(ref reader, out sensorId, out observedAt, values) && AtEnd(ref reader);
        }
        // InvalidOperationException: GetString met text that is not UTF-8 (or escapes a lone surrogate); the thorough path names the field.
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// True when <paramref name="json"/> is a gateway batch, <c>{"readings": [...]}</c> with any other fields, whose
    /// every reading is clean as <see cref="TryParse"/> means it; <paramref name="add"/> receives each in order.
    /// </summary>
    public static bool TryParseBatch(ReadOnlySpan<byte> json, Func<string, DateTimeOffset, double?[], bool> add)
    {
        try
        {
            var reader = new Utf8JsonReader(json, Options);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var readings = 0;
            var seen = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals(Readings))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }

                // A repeated "readings" is left to the thorough path, which decides which one counts.
                if (seen || !reader.Read() || reader.TokenType != JsonTokenType.StartArray)
                {
                    return false;
                }

                seen = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var values = new double?[Fields.Length];
                    if (!TryReadReading(ref reader, out var sensorId, out var observedAt, values) || !add(sensorId, observedAt, values))
                    {
                        return false;
                    }

                    readings++;
                }
            }

            return readings > 0 && AtEnd(ref reader);
        }
        // InvalidOperationException: GetString met text that is not UTF-8 (or escapes a lone surrogate); the thorough path names the field.
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The object must close the message: nothing may follow it.</summary>
    static bool AtEnd(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0 && !reader.Read();

    /// <summary>Reads one reading object from its opening brace (the current token) to its closing one.</summary>
    static bool TryReadReading(ref Utf8JsonReader reader, out string sensorId, out DateTimeOffset observedAt, double?[] values)
    {
        (sensorId, observedAt) = ("", default);
        Array.Clear(values);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var (haveId, haveTime) = (false, false);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(SensorId))
            {
                if (haveId || !reader.Read() || reader.TokenType != JsonTokenType.String)
                {
                    return false;
                }

                sensorId = reader.GetString()!;
                haveId = sensorId.Length is > 0 and <= 64;
                if (!haveId)
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals(ObservedAt))
            {
                if (haveTime || !reader.Read() || reader.TokenType != JsonTokenType.String || !HasZone(reader.ValueSpan) || !reader.TryGetDateTimeOffset(out observedAt))
                {
                    return false;
                }

                observedAt = observedAt.ToUniversalTime();
                haveTime = true;
            }
            else if (reader.ValueTextEquals(Readings))
            {
                return false;
            }
            else if (FieldIndex(ref reader) is var f and >= 0)
            {
                if (!reader.Read() || values[f] is not null)
                {
                    return false;
                }

                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                var (_, min, max, _) = PhysicalRanges.Readings[f];
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var number) || !double.IsFinite(number) || number < min || number > max)
                {
                    return false;
                }

                values[f] = number;
            }
            else
            {
                // A field the contract does not define is ignored, as the thorough path does.
                reader.Read();
                reader.Skip();
            }
        }

        return reader.TokenType == JsonTokenType.EndObject && haveId && haveTime && values[0] is not null;
    }

    static int FieldIndex(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < Fields.Length; i++)
        {
            if (reader.ValueTextEquals(Fields[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Only the shapes the thorough path accepts: seconds, optional fraction, then Z or ±hh:mm.</summary>
    static bool HasZone(ReadOnlySpan<byte> value)
    {
        if (value.Length < 20 || value[10] != 'T')
        {
            return false;
        }

        var rest = value[19..];
        if (rest[0] == '.')
        {
            var digits = 1;
            while (digits < rest.Length && char.IsAsciiDigit((char)rest[digits]))
            {
                digits++;
            }

            if (digits is 1 or > 8)
            {
                return false;
            }

            rest = rest[digits..];
        }

        return rest.SequenceEqual("Z"u8) || (rest.Length == 6 && rest[0] is (byte)'+' or (byte)'-' && rest[3] == ':');
    }
}
