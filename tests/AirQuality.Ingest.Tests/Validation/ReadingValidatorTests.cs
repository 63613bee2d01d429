using System.Text;
using AirQuality.Ingest;
using AirQuality.Ingest.Validation;
using Xunit;

namespace AirQuality.Ingest.Tests.Validation;

public sealed class ReadingValidatorTests
{
    static readonly DateTimeOffset Now = new(2026, 6, 30, 12, 0, 0, TimeSpan.Zero);

    static ValidationResult Validate(string json, IngestOptions? options = null) =>
        new ReadingValidator(new KnownSensors(["S0001", "S0002"]), options ?? new IngestOptions(), new FixedTime(Now)).Validate(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void A_complete_reading_passes_with_every_value()
    {
        var result = Validate("""{"sensor_id":"S0001","observed_at":"2026-06-30T11:55:00Z","pm25":31.2,"pm10":50,"co":0.8,"wind_direction":270,"humidity":80}""");
        var reading = Assert.Single(result.Readings);
        Assert.Empty(result.Rejections);
        Assert.Equal(31.2, reading.Pm25);
        Assert.Equal(0.8, reading.Co);
        Assert.Equal(270, reading.WindDirection);
        Assert.Null(reading.No2);
        Assert.Equal(new DateTimeOffset(2026, 6, 30, 11, 55, 0, TimeSpan.Zero), reading.ObservedAt);
    }

    [Theory]
    [InlineData("{not json", RejectReason.MalformedJson)]
    [InlineData("", RejectReason.MalformedJson)]
    [InlineData("[1,2]", RejectReason.WrongType)]
    [InlineData("""{"observed_at":"2026-06-30T11:55:00Z","pm25":1}""", RejectReason.MissingField)]
    [InlineData("""{"sensor_id":"S0001","pm25":1}""", RejectReason.MissingField)]
    [InlineData("""{"sensor_id":"S0001","observed_at":"2026-06-30T11:55:00Z"}""", RejectReason.MissingField)]
    [InlineData("""{"sensor_id":"S0001","observed_at":"2026-06-30T11:55:00Z","pm25":"high"}""", RejectReason.WrongType)]
    [InlineData("""{"sensor_id":42,"observed_at":"2026-06-30T11:55:00Z","pm25":1}""", RejectReason.WrongType)]
    [InlineData("""{"sensor_id":"S0001","observed_at":"yesterday","pm25":1}""", RejectReason.WrongType)]
    [InlineData("""{"sensor_id":"S0001","observed_at":"2026-06-30T11:55:00","pm25":1}""", RejectReason.WrongType)]
    [InlineData("""{"sensor_id":"S0001","observed_at":"30/06/2026 11:55","pm25":1}""", RejectReason.WrongType)]
    [InlineData("""{"sensor_id":"S9999","observed_at":"2026-06-30T11:55:00Z","pm25":1}""", RejectReason.UnknownSensor)]
    [InlineData("""{"sensor_id":"S0001","observed_at":"2026-06-30T11:55:00Z","pm25":-0.1}""", RejectReason.OutOfRange)]
    [InlineData("""{"sensor_id":"S0001","observed_at":"2026-06-30T11:55:00Z","pm25":2000.1}""", RejectReason.OutOfRange)]
    [InlineData("""{"sensor_id":"S0001","observed_at":"2026-06-30T11:55:00Z","pm25":5,"wind_direction":361}""", RejectReason.OutOfRange)]
    [InlineData("""{"sensor_id":"S0001","observed_at":"2026-06-30T11:55:00Z","pm25":1e999}""", RejectReason.NotFinite)]
    [InlineData("""{"sensor_id":"S0001","observed_at":"2026-06-30T13:00:00Z","pm25":1}""", RejectReason.TimestampInFuture)]
    [InlineData("""{"sensor_id":"S0001","observed_at":"2024-01-01T00:00:00Z","pm25":1}""", RejectReason.TimestampTooOld)]
    public void A_bad_reading_is_rejected_with_its_reason(string json, string reason)
    {
        var result = Validate(json);
        Assert.Empty(result.Readings);
        var rejection = Assert.Single(result.Rejections);
        Assert.Equal(reason, rejection.Reason);
        Assert.False(string.IsNullOrWhiteSpace(rejection.Detail));
        Assert.Equal(json, Encoding.UTF8.GetString(rejection.Payload.Span));
    }

    [Theory]
    [InlineData("2026-06-30T11:55:00Z")]
    [InlineData("2026-06-30T11:55:00.250Z")]
    [InlineData("2026-06-30T19:55:00+08:00")]
    public void Timestamps_with_a_zone_are_read_as_utc(string stamp)
    {
        var reading = Assert.Single(Validate($$"""{"sensor_id":"S0001","observed_at":"{{stamp}}","pm25":1}""").Readings);
        Assert.Equal(new DateTime(2026, 6, 30, 11, 55, 0, DateTimeKind.Utc), reading.ObservedAt.UtcDateTime.AddMilliseconds(-reading.ObservedAt.Millisecond));
        Assert.Equal(TimeSpan.Zero, reading.ObservedAt.Offset);
    }

    [Fact]
    public void An_oversized_message_is_rejected_before_it_is_parsed()
    {
        var json = "{\"pad\":\"" + new string('x', 2048) + "\"}";
        var rejection = Assert.Single(Validate(json, new IngestOptions { MaxMessageBytes = 1024 }).Rejections);
        Assert.Equal(RejectReason.Oversized, rejection.Reason);
    }

    [Fact]
    public void Deeply_nested_json_is_malformed_not_a_crash()
    {
        var json = new string('[', 10_000) + new string(']', 10_000);
        Assert.Equal(RejectReason.MalformedJson, Assert.Single(Validate(json).Rejections).Reason);
    }

    [Fact]
    public void A_batch_keeps_its_good_readings_and_rejects_the_bad_ones_by_index()
    {
        var result = Validate("""
            {"gateway_id":"G1","readings":[
              {"sensor_id":"S0001","observed_at":"2026-06-30T11:55:00Z","pm25":12},
              {"sensor_id":"S0002","observed_at":"2026-06-30T11:55:00Z","pm25":-5},
              {"sensor_id":"S0002","observed_at":"2026-06-30T11:50:00Z","pm25":13}]}
            """);
        Assert.Equal(["S0001", "S0002"], result.Readings.Select(r => r.SensorId));
        var rejection = Assert.Single(result.Rejections);
        Assert.Equal(RejectReason.OutOfRange, rejection.Reason);
        Assert.Equal(1, rejection.BatchIndex);
        Assert.Contains("-5", Encoding.UTF8.GetString(rejection.Payload.Span), StringComparison.Ordinal);
        Assert.Equal(3, result.ReadingCount);
    }

    [Fact]
    public void A_sensor_added_to_the_registry_is_accepted_after_a_refresh()
    {
        var known = new KnownSensors(["S0001"]);
        var validator = new ReadingValidator(known, new IngestOptions(), new FixedTime(Now));
        var json = Encoding.UTF8.GetBytes("""{"sensor_id":"S0777","observed_at":"2026-06-30T11:55:00Z","pm25":9}""");
        Assert.Equal(RejectReason.UnknownSensor, Assert.Single(validator.Validate(json).Rejections).Reason);

        known.Replace(["S0001", "S0777"]);
        Assert.Equal("S0777", Assert.Single(validator.Validate(json).Readings).SensorId);
    }

    sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
