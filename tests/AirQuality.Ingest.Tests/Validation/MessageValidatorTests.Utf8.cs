using System.Text;
using AirQuality.Contracts;
using AirQuality.Ingest.Validation;
using Xunit;

namespace AirQuality.Ingest.Tests.Validation;

/// <summary>Text that cannot become a .NET string: it used to throw out of the validator and stop the worker.</summary>
public sealed partial class MessageValidatorTests
{
    /// <summary>Bytes that are not UTF-8 (a stray continuation byte, a cut sequence, an encoded surrogate, an overlong form) and an escape of a lone surrogate.</summary>
    public static TheoryData<string, string, string> BadText()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (topic, fields) in new[] { (Topics.SensorReadings, new[] { "sensor_id", "observed_at" }), (Topics.SourceTelemetry, new[] { "source_id", "observed_at", "operating_status" }) })
        {
            foreach (var field in fields)
            {
                foreach (var bad in new[] { "FF", "C3", "EDA080", "C0AF", "\\uD800" })
                {
                    data.Add(topic, field, bad);
                }
            }
        }

        return data;
    }

    static byte[] Record(string topic, string field, string bad, int position, string minute = "55")
    {
        var values = topic == Topics.SensorReadings
            ? new Dictionary<string, string> { ["sensor_id"] = "S0001", ["observed_at"] = $"2026-06-30T11:{minute}:00Z", ["pm25"] = "" }
            : new Dictionary<string, string> { ["source_id"] = "P001", ["observed_at"] = $"2026-06-30T11:{minute}:00Z", ["operating_status"] = "running" };
        var json = new List<byte>("{"u8.ToArray());
        foreach (var (name, value) in values)
        {
            json.AddRange(Encoding.UTF8.GetBytes(json.Count > 1 ? $",\"{name}\":" : $"\"{name}\":"));
            if (name == "pm25")
            {
                json.AddRange("12.5"u8.ToArray());
                continue;
            }

            var text = Encoding.UTF8.GetBytes(value).ToList();
            if (name == field)
            {
                var inserted = bad.StartsWith('\\') ? Encoding.UTF8.GetBytes(bad) : Convert.FromHexString(bad);
                text.InsertRange(Math.Min(position, text.Count), inserted);
            }

            json.Add((byte)'"');
            json.AddRange(text);
            json.Add((byte)'"');
        }

        json.Add((byte)'}');
        return [.. json];
    }

    [Theory]
    [MemberData(nameof(BadText))]
    public void Text_that_is_not_valid_utf8_in_a_field_is_malformed_json_at_any_position(string topic, string field, string bad)
    {
        foreach (var position in new[] { 0, 3, 100 })
        {
            var message = Record(topic, field, bad, position);
            var result = Validator().Validate(topic, message);
            var rejection = Assert.Single(result.Rejections);
            Assert.Equal(RejectReason.MalformedJson, rejection.Reason);
            Assert.Contains($"'{field}'", rejection.Detail, StringComparison.Ordinal);
            Assert.Equal(message, rejection.Payload.ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(BadText))]
    public void A_batch_element_with_text_that_is_not_valid_utf8_is_rejected_alone(string topic, string field, string bad)
    {
        var bad1 = Record(topic, field, bad, 2, "51");
        var message = new List<byte>(Encoding.UTF8.GetBytes(topic == Topics.SensorReadings ? "{\"gateway_id\":\"G1\",\"readings\":[" : "{\"gateway_id\":\"G1\",\"records\":["));
        message.AddRange(Record(topic, "", "", 0, "50"));
        message.Add((byte)',');
        message.AddRange(bad1);
        message.Add((byte)',');
        message.AddRange(Record(topic, "", "", 0, "52"));
        message.AddRange("]}"u8.ToArray());

        var result = Validator().Validate(topic, message.ToArray());
        Assert.Equal(2, result.Readings.Count + result.Telemetry.Count);
        var rejection = Assert.Single(result.Rejections);
        Assert.Equal((RejectReason.MalformedJson, (int?)1), (rejection.Reason, rejection.BatchIndex));
        Assert.Equal(bad1, rejection.Payload.ToArray());
    }

    [Theory]
    [InlineData("airq.sensor-readings.v1", """{"\uD800temperature":20,"sensor_id":"S0001","observed_at":"2026-06-30T11:55:00Z","pm25":1}""")]
    [InlineData("airq.source-telemetry.v1", """{"source_id":"P001","\uDC00":1,"observed_at":"2026-06-30T11:00:00Z","nox":90}""")]
    public void A_property_name_escaping_a_lone_surrogate_is_malformed_json(string topic, string json)
    {
        // Found by the fuzz: looking a field up unescapes the names it passes, and throws on this one.
        var rejection = Assert.Single(Validator().Validate(topic, Encoding.UTF8.GetBytes(json)).Rejections);
        Assert.Equal(RejectReason.MalformedJson, rejection.Reason);
        Assert.Contains("property name", rejection.Detail, StringComparison.Ordinal);
    }
}
