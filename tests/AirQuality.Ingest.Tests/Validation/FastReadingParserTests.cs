using System.Globalization;
using System.Text;
using AirQuality.Contracts;
using AirQuality.Ingest.Validation;
using Xunit;

namespace AirQuality.Ingest.Tests.Validation;

public sealed class FastReadingParserTests
{
    [Fact]
    public void Clean_readings_in_any_field_order_with_nulls_and_unknown_fields_are_read_exactly()
    {
        var random = new Random(42);
        for (var n = 0; n < 500; n++)
        {
            var expected = new double?[PhysicalRanges.Readings.Count];
            var fields = new List<string>();
            for (var f = 0; f < expected.Length; f++)
            {
                var (name, min, max, _) = PhysicalRanges.Readings[f];
                if (f == 0 || random.NextDouble() < 0.5)
                {
                    expected[f] = Math.Round(min + (max - min) * random.NextDouble(), 3);
                    fields.Add($"\"{name}\":{expected[f]!.Value.ToString(CultureInfo.InvariantCulture)}");
                }
                else if (random.NextDouble() < 0.3)
                {
                    fields.Add($"\"{name}\":null");
                }
            }

            var at = new DateTimeOffset(2026, 6, 30, 3, 0, 0, TimeSpan.Zero).AddSeconds(random.Next(0, 86_400));
            fields.Add(random.NextDouble() < 0.5 ? $"\"observed_at\":\"{at:yyyy-MM-ddTHH:mm:ssZ}\"" : $"\"observed_at\":\"{at.ToOffset(TimeSpan.FromHours(8)):yyyy-MM-ddTHH:mm:ss.fffzzz}\"");
            fields.Add($"\"sensor_id\":\"S{random.Next(1, 541):0000}\"");
            if (random.NextDouble() < 0.3)
            {
                fields.Add("\"firmware\":{\"version\":[1,2,3]}");
            }

            var json = "{" + string.Join(",", fields.OrderBy(_ => random.Next())) + "}";
            var values = new double?[expected.Length];
            Assert.True(FastReadingParser.TryParse(Encoding.UTF8.GetBytes(json), out var sensorId, out var observedAt, values), json);
            Assert.Equal(expected, values);
            Assert.Equal(at, observedAt);
            Assert.Equal(TimeSpan.Zero, observedAt.Offset);
            Assert.StartsWith("S", sensorId, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("""{"sensor_id":"S0001","observed_at":"2026-06-30T11:55:00","pm25":1}""")]
    [InlineData("""{"sensor_id":"S0001","observed_at":"2026-06-30","pm25":1}""")]
    [InlineData("""{"sensor_id":"S0001","observed_at":"2026-06-30T11:55:00Z","pm25":1} trailing""")]
    [InlineData("""{"sensor_id":"S0001","observed_at":"2026-06-30T11:55:00Z","pm25":1,"pm25":2}""")]
    [InlineData("""{"sensor_id":"S0001","observed_at":"2026-06-30T11:55:00Z","pm25":"1"}""")]
    [InlineData("""{"sensor_id":"S0001","observed_at":"2026-06-30T11:55:00Z"}""")]
    [InlineData("""{"readings":[]}""")]
    public void Anything_unusual_is_left_to_the_thorough_path(string json)
    {
        Assert.False(FastReadingParser.TryParse(Encoding.UTF8.GetBytes(json), out _, out _, new double?[PhysicalRanges.Readings.Count]));
    }

    [Fact]
    public void A_clean_gateway_batch_is_read_reading_by_reading_in_order()
    {
        var random = new Random(7);
        for (var n = 0; n < 200; n++)
        {
            var expected = Enumerable.Range(0, random.Next(1, 20))
                .Select(i => (Id: $"S{random.Next(1, 541):0000}", At: new DateTimeOffset(2026, 6, 30, 3, i, 0, TimeSpan.Zero), Pm25: Math.Round(500 * random.NextDouble(), 1), Pm10: random.NextDouble() < 0.5 ? (double?)null : 80))
                .ToList();
            var items = expected.Select(r => $$"""{"sensor_id":"{{r.Id}}","observed_at":"{{r.At:yyyy-MM-ddTHH:mm:ssZ}}","pm25":{{r.Pm25.ToString(CultureInfo.InvariantCulture)}}{{(r.Pm10 is { } p ? $",\"pm10\":{p}" : "")}}}""");
            var json = $$"""{"gateway_id":"G{{n}}","firmware":[1,{"a":2}],"readings":[{{string.Join(",", items)}}]}""";
            var read = new List<(string, DateTimeOffset, double?, double?)>();
            Assert.True(FastReadingParser.TryParseBatch(Encoding.UTF8.GetBytes(json), (id, at, values) =>
            {
                read.Add((id, at, values[0], values[1]));
                return true;
            }), json);
            Assert.Equal(expected.Select(r => (r.Id, r.At, (double?)r.Pm25, r.Pm10)), read);
        }
    }

    [Theory]
    [InlineData("""{"gateway_id":"G1","readings":[]}""")]
    [InlineData("""{"gateway_id":"G1"}""")]
    [InlineData("""{"readings":{"sensor_id":"S0001","observed_at":"2026-06-30T11:55:00Z","pm25":1}}""")]
    [InlineData("""{"readings":[{"sensor_id":"S0001","observed_at":"2026-06-30T11:55:00Z","pm25":1}],"readings":[]}""")]
    [InlineData("""{"readings":[{"sensor_id":"S0001","observed_at":"2026-06-30T11:55:00Z","pm25":1},{"sensor_id":"S0002","observed_at":"2026-06-30T11:55:00Z"}]}""")]
    [InlineData("""{"readings":[{"sensor_id":"S0001","observed_at":"2026-06-30T11:55:00Z","pm25":1},{"sensor_id":"S0002","observed_at":"2026-06-30T11:55:00Z","pm25":-1}]}""")]
    [InlineData("""{"readings":[{"sensor_id":"S0001","observed_at":"2026-06-30T11:55:00Z","pm25":1},17]}""")]
    [InlineData("""{"readings":[{"sensor_id":"S0001","observed_at":"2026-06-30T11:55:00Z","pm25":1,"readings":[]}]}""")]
    [InlineData("""{"readings":[{"sensor_id":"S0001","observed_at":"2026-06-30T11:55:00Z","pm25":1}]} trailing""")]
    [InlineData("""{"sensor_id":"S0001","observed_at":"2026-06-30T11:55:00Z","pm25":1}""")]
    public void An_unusual_batch_is_left_to_the_thorough_path(string json)
    {
        Assert.False(FastReadingParser.TryParseBatch(Encoding.UTF8.GetBytes(json), (_, _, _) => true));
    }

    [Fact]
    public void A_batch_stops_at_the_first_reading_its_caller_refuses()
    {
        const string json = """{"readings":[{"sensor_id":"S0001","observed_at":"2026-06-30T11:55:00Z","pm25":1},{"sensor_id":"S9999","observed_at":"2026-06-30T11:55:00Z","pm25":2},{"sensor_id":"S0003","observed_at":"2026-06-30T11:55:00Z","pm25":3}]}""";
        var offered = new List<string>();
        Assert.False(FastReadingParser.TryParseBatch(Encoding.UTF8.GetBytes(json), (id, _, _) =>
        {
            offered.Add(id);
            return id != "S9999";
        }));
        Assert.Equal(["S0001", "S9999"], offered);
    }
}
