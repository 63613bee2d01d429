using System.Text;
using AirQuality.Contracts;
using AirQuality.Ingest.Validation;
using AirQuality.Ingest;
using AirQuality.Tests.Support;
using Xunit;

namespace AirQuality.Ingest.Tests.Validation;

public sealed partial class MessageValidatorTests
{
    static readonly DateTimeOffset Now = new(2026, 6, 30, 12, 0, 0, TimeSpan.Zero);

    static MessageValidator Validator(IngestOptions? options = null) =>
        new(new KnownIds(["S0001", "S0002"]), new KnownIds(["P001"]), options ?? new IngestOptions(), new FixedTime(Now));

    static ValidationResult Validate(string json, IngestOptions? options = null) =>
        Validator(options).Validate(Topics.SensorReadings, Encoding.UTF8.GetBytes(json));

    static ValidationResult ValidateTelemetry(string json) => Validator().Validate(Topics.SourceTelemetry, Encoding.UTF8.GetBytes(json));

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
        Assert.Equal(3, result.RecordCount);
    }

    [Fact]
    public void A_sensor_added_to_the_registry_is_accepted_after_a_refresh()
    {
        var sensors = new KnownIds(["S0001"]);
        var validator = new MessageValidator(sensors, new KnownIds([]), new IngestOptions(), new FixedTime(Now));
        var json = Encoding.UTF8.GetBytes("""{"sensor_id":"S0777","observed_at":"2026-06-30T11:55:00Z","pm25":9}""");
        Assert.Equal(RejectReason.UnknownSensor, Assert.Single(validator.Validate(Topics.SensorReadings, json).Rejections).Reason);

        sensors.Replace(["S0001", "S0777"]);
        Assert.Equal("S0777", Assert.Single(validator.Validate(Topics.SensorReadings, json).Readings).SensorId);
    }

    [Fact]
    public void Source_telemetry_passes_with_its_values_and_status()
    {
        var result = ValidateTelemetry("""{"source_id":"P001","observed_at":"2026-06-30T11:00:00Z","particulate":12.5,"so2":80,"nox":150,"flue_gas_flow":250000,"operating_status":"running"}""");
        var record = Assert.Single(result.Telemetry);
        Assert.Empty(result.Readings);
        Assert.Equal(new SourceTelemetry("P001", new DateTimeOffset(2026, 6, 30, 11, 0, 0, TimeSpan.Zero), 12.5, 80, 150, 250000, "running"), record);
    }

    [Theory]
    [InlineData("""{"source_id":"P404","observed_at":"2026-06-30T11:00:00Z","particulate":1}""", RejectReason.UnknownSource)]
    [InlineData("""{"source_id":"P001","observed_at":"2026-06-30T11:00:00Z","particulate":-1}""", RejectReason.OutOfRange)]
    [InlineData("""{"source_id":"P001","observed_at":"2026-06-30T11:00:00Z","operating_status":"exploded"}""", RejectReason.OutOfRange)]
    [InlineData("""{"source_id":"P001","observed_at":"2026-06-30T11:00:00Z","operating_status":3}""", RejectReason.WrongType)]
    [InlineData("""{"observed_at":"2026-06-30T11:00:00Z","particulate":1}""", RejectReason.MissingField)]
    public void Bad_telemetry_is_rejected_with_its_reason(string json, string reason)
    {
        Assert.Equal(reason, Assert.Single(ValidateTelemetry(json).Rejections).Reason);
    }

    [Fact]
    public void A_telemetry_batch_uses_the_records_field()
    {
        var result = ValidateTelemetry("""{"gateway_id":"CEMS-1","records":[{"source_id":"P001","observed_at":"2026-06-30T11:00:00Z","nox":90},{"source_id":"P001","observed_at":"2026-06-30T11:01:00Z","nox":"high"}]}""");
        Assert.Single(result.Telemetry);
        Assert.Equal((RejectReason.WrongType, (int?)1), (Assert.Single(result.Rejections).Reason, result.Rejections[0].BatchIndex));
    }

    sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
