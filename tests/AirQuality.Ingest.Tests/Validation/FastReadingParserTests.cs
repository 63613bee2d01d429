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
}
