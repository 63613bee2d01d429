using System.Globalization;
using System.Text;
using AirQuality.Contracts;

namespace AirQuality.Simulation.Fuzzing;

/// <summary>
/// Generates hostile messages for both topics from a fixed seed: valid readings, batches and telemetry, then
/// mutated (invalid UTF-8 at any position of a string field, escapes of lone surrogates, truncations, deletions,
/// deep nesting, huge and tiny numbers, duplicate keys, odd timestamps, random bytes), or random bytes outright.
/// The same seed gives the same messages, so a failure can be replayed.
/// </summary>
/// <remarks>
/// For the validator's fuzz test, the worker's integration test and <c>airq bench fuzz</c>: whatever it produces,
/// the ingest worker must store or dead-letter each record with a reason and carry on.
/// </remarks>
public sealed class MessageFuzzer(int seed, IReadOnlyList<string> sensorIds, IReadOnlyList<string> sourceIds, DateTimeOffset now)
{
    static readonly string[] Numbers =
    [
        "1e400", "-1e400", "1e-400", "5e-324", "-0", "0", "1.7976931348623157e308", "-1.7976931348623157e308", "123456789012345678901234567890",
        "0.000000000000000000000000000001", "2000", "2000.0000001", "-0.0000001", "360", "1e2", "1E+2", "NaN", "Infinity", "-Infinity", "0x10",
        "01", ".5", "5.", "+5", "\"12\"", "null", "true", "[]", "{}", "1" + new string('0', 400),
    ];

    static readonly string[] Texts =
    [
        "", "S", new('S', 64), new('S', 65), "\\u0000", "S0001\\u0000", "\\uD800", "\\uDC00\\uD800", "\\ud83d\\ude00", "\\\"", "\\\\", "大气",
        "running", "stopped", "RUNNING", " ", "\\t", "S0001 ", new('x', 5000),
    ];

    static readonly string[] Timestamps =
    [
        "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2026-02-30T00:00:00Z",
        "2026-06-30T23:59:60Z", "2026-06-30T24:00:00Z", "2026-06-30T12:00:00", "2026-06-30T12:00:00.123456789Z", "2026-06-30T12:00:00+25:00",
        "2026-06-30 12:00:00Z", "2026-06-30T12:00:00z", "2026-06-30T12:00:00+0800", "1970-01-01T00:00:00Z", "",
    ];

    /// <summary>Byte sequences that are not UTF-8: stray continuation, lead byte without its continuation, encoded surrogate, overlong, beyond U+10FFFF, 0xFF.</summary>
    static readonly byte[][] InvalidUtf8 = [[0x80], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0xFE, 0xFF]];

    readonly Random _random = new(seed);

    /// <summary>The next message: its topic and value.</summary>
    public (string Topic, byte[] Value) Next()
    {
        var telemetry = _random.Next(3) == 0;
        var topic = telemetry ? Topics.SourceTelemetry : Topics.SensorReadings;
        byte[] value;
        switch (_random.Next(20))
        {
            case 0:
                value = new byte[_random.Next(0, 300)];
                _random.NextBytes(value);
                return (topic, value);
            case 1:
                // A record of the other topic: well-formed, but the wrong contract.
                return (topic, Encoding.UTF8.GetBytes(telemetry ? Reading() : Telemetry()));
            default:
                var text = (telemetry, _random.Next(3)) switch
                {
                    (true, 0) => Batch("records", Telemetry),
                    (true, _) => Telemetry(),
                    (false, 0) => Batch("readings", Reading),
                    (false, _) => Reading(),
                };
                value = Encoding.UTF8.GetBytes(text);
                break;
        }

        // About one in six stays as it was, so valid records keep flowing between the bad ones.
        var mutations = _random.Next(6) == 0 ? 0 : _random.Next(1, 4);
        for (var i = 0; i < mutations; i++)
        {
            value = Mutate(value);
        }

        return (topic, value);
    }

    string Reading()
    {
        var fields = new List<string>
        {
            $"\"sensor_id\":\"{Pick(sensorIds)}\"",
            $"\"observed_at\":\"{Recent()}\"",
            $"\"pm25\":{Number(0, 300)}",
        };
        foreach (var (name, min, max) in new[] { ("pm10", 0, 500), ("no2", 0, 200), ("co", 0, 5), ("temperature", -10, 40), ("humidity", 0, 100), ("wind_direction", 0, 360), ("pressure", 950, 1050) })
        {
            if (_random.Next(2) == 0)
            {
                fields.Add($"\"{name}\":{(_random.Next(10) == 0 ? "null" : Number(min, max))}");
            }
        }

        return "{" + string.Join(',', Shuffled(fields)) + "}";
    }

    string Telemetry()
    {
        var fields = new List<string>
        {
            $"\"source_id\":\"{Pick(sourceIds)}\"",
            $"\"observed_at\":\"{Recent()}\"",
            $"\"particulate\":{Number(0, 100)}",
            $"\"nox\":{Number(0, 500)}",
        };
        if (_random.Next(2) == 0)
        {
            fields.Add($"\"operating_status\":\"{Pick(OperatingStatuses.All.ToList())}\"");
        }

        return "{" + string.Join(',', Shuffled(fields)) + "}";
    }

    string Batch(string field, Func<string> record) =>
        $"{{\"gateway_id\":\"G{_random.Next(100)}\",\"{field}\":[{string.Join(',', Enumerable.Range(0, _random.Next(0, 6)).Select(_ => record()))}]}}";

    byte[] Mutate(byte[] value)
    {
        if (value.Length == 0)
        {
            return value;
        }

        var at = _random.Next(value.Length);
        switch (_random.Next(12))
        {
            case 0:
                // Invalid UTF-8 inside a string value (just after an opening quote, somewhere in it, or before its end).
                return Splice(value, StringPosition(value), 0, Pick(InvalidUtf8));
            case 1:
                return Splice(value, at, 0, Pick(InvalidUtf8));
            case 2:
                return value[.._random.Next(value.Length)];
            case 3:
                return Splice(value, at, Math.Min(value.Length - at, _random.Next(1, 12)), []);
            case 4:
                var copy = (byte[])value.Clone();
                copy[at] = (byte)_random.Next(256);
                return copy;
            case 5:
                return ReplaceValue(value, "\"observed_at\":\"", $"\"{Pick(Timestamps)}\"");
            case 6:
                return ReplaceValue(value, "\"pm25\":", Pick(Numbers)) is var v && !ReferenceEquals(v, value) ? v : ReplaceValue(value, "\"nox\":", Pick(Numbers));
            case 7:
                var idField = _random.Next(3) switch { 0 => "\"sensor_id\":\"", 1 => "\"source_id\":\"", _ => "\"operating_status\":\"" };
                return ReplaceValue(value, idField, $"\"{Pick(Texts)}\"");
            case 8:
                // A duplicate key, before or after the original.
                var key = _random.Next(4) switch { 0 => "\"sensor_id\":\"S0000\",", 1 => "\"observed_at\":\"2026-01-01T00:00:00Z\",", 2 => "\"pm25\":-1,", _ => "\"readings\":[],\"records\":7," };
                var brace = Array.IndexOf(value, (byte)'{', at) is var b and >= 0 ? b : Array.IndexOf(value, (byte)'{');
                return brace < 0 ? value : Splice(value, brace + 1, 0, Encoding.UTF8.GetBytes(key));
            case 9:
                // Deep nesting in place of a value, up to well past the parser's limit of 16.
                var depth = _random.Next(1, 40);
                var open = _random.Next(2) == 0 ? "[" : "{\"a\":";
                var close = open == "[" ? "]" : "}";
                return ReplaceValue(value, "\"pm25\":", string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth)));
            case 10:
                return Splice(value, at, 0, Encoding.UTF8.GetBytes(_random.Next(4) switch { 0 => "\\", 1 => "\"", 2 => "\u0000", _ => "\\uD800" }));
            default:
                var other = new byte[_random.Next(1, 16)];
                _random.NextBytes(other);
                return Splice(value, at, Math.Min(value.Length - at, other.Length), other);
        }
    }

    /// <summary>A position inside a string literal of <paramref name="value"/>: after one of its quotes, or at its start.</summary>
    int StringPosition(byte[] value)
    {
        var quotes = new List<int>();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '"')
            {
                quotes.Add(i);
            }
        }

        return quotes.Count == 0 ? 0 : Math.Min(value.Length, Pick(quotes) + 1 + _random.Next(3));
    }

    /// <summary>Replaces the value following <paramref name="prefix"/> (the prefix may end inside an opening quote) with <paramref name="replacement"/>; unchanged when the prefix is absent.</summary>
    static byte[] ReplaceValue(byte[] value, string prefix, string replacement)
    {
        var text = value.AsSpan();
        var p = Encoding.UTF8.GetBytes(prefix);
        var start = text.IndexOf(p);
        if (start < 0)
        {
            return value;
        }

        var inString = prefix.EndsWith('"');
        var from = start + p.Length - (inString ? 1 : 0);
        var end = from + (inString ? 1 : 0);
        while (end < text.Length && (inString ? text[end] != '"' : text[end] is not ((byte)',' or (byte)'}' or (byte)']')))
        {
            end++;
        }

        end = Math.Min(text.Length, end + (inString ? 1 : 0));
        return Splice(value, from, end - from, Encoding.UTF8.GetBytes(replacement));
    }

    static byte[] Splice(byte[] value, int at, int remove, byte[] insert) => [.. value.AsSpan(0, at), .. insert, .. value.AsSpan(at + remove)];

    string Recent() => now.AddMinutes(-_random.Next(0, 60 * 24 * 30)).AddSeconds(-_random.Next(60)).ToUniversalTime().ToString(
        _random.Next(3) == 0 ? "yyyy-MM-dd'T'HH:mm:ss.fff'Z'" : "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    string Number(double min, double max) => Math.Round(min + (_random.NextDouble() * (max - min)), 2).ToString("R", CultureInfo.InvariantCulture);

    T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    List<string> Shuffled(List<string> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = _random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }

        return items;
    }
}
