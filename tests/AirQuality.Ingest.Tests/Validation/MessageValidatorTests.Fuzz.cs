using AirQuality.Contracts;
using AirQuality.Ingest.Validation;
using AirQuality.Simulation.Fuzzing;
using AirQuality.Tests.Support;
using Xunit;

namespace AirQuality.Ingest.Tests.Validation;

/// <summary>Twelve thousand generated messages (fixed seed): each record passes within the contract or is rejected with a reason, and nothing throws.</summary>
public sealed partial class MessageValidatorTests
{
    const int FuzzMessages = 12_000;

    [Fact]
    public void Every_fuzzed_message_is_accepted_within_the_contract_or_rejected_with_a_reason()
    {
        string[] sensors = ["S0001", "S0002"];
        var options = new IngestOptions { MaxMessageBytes = 4096 };
        var validator = new MessageValidator(new KnownIds(sensors), new KnownIds(["P001"]), options, new FixedTime(Now));
        var fuzzer = new MessageFuzzer(20_260_630, [.. sensors, "S9999"], ["P001", "P404"], Now);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var (accepted, rejected) = (0, 0);
        for (var i = 0; i < FuzzMessages; i++)
        {
            var (topic, value) = fuzzer.Next();
            ValidationResult result;
            try
            {
                result = validator.Validate(topic, value);
            }
            catch (Exception e)
            {
                Assert.Fail($"Message {i} on {topic} threw {e.GetType().Name}: {e.Message}{Environment.NewLine}{Convert.ToHexString(value)}");
                return;
            }

            foreach (var rejection in result.Rejections)
            {
                Assert.Contains(rejection.Reason, RejectReason.All);
                Assert.False(string.IsNullOrWhiteSpace(rejection.Detail), $"Message {i}: a rejection without a detail.");
                Assert.True(rejection.BatchIndex is null ? rejection.Payload.Span.SequenceEqual(value) : rejection.Payload.Length > 0, $"Message {i}: the dead letter does not carry the rejected bytes.");
                seen.Add(rejection.Reason);
            }

            foreach (var reading in result.Readings)
            {
                Assert.Equal(Topics.SensorReadings, topic);
                Assert.Contains(reading.SensorId, sensors);
                AssertWithinWindow(reading.ObservedAt, options, i);
                AssertInRange([reading.Pm25, reading.Pm10, reading.No2, reading.So2, reading.O3, reading.Co, reading.Temperature, reading.Humidity, reading.WindSpeed, reading.WindDirection, reading.Pressure], PhysicalRanges.Readings, i);
                Assert.NotNull(reading.Pm25);
            }

            foreach (var record in result.Telemetry)
            {
                Assert.Equal(Topics.SourceTelemetry, topic);
                Assert.Equal("P001", record.SourceId);
                AssertWithinWindow(record.ObservedAt, options, i);
                AssertInRange([record.Particulate, record.So2, record.Nox, record.FlueGasFlow], PhysicalRanges.Telemetry, i);
                Assert.True(record.OperatingStatus is null || OperatingStatuses.All.Contains(record.OperatingStatus), $"Message {i}: status '{record.OperatingStatus}'.");
            }

            // A message that is not a batch holds exactly one record; only an empty batch holds none.
            Assert.True(result.RecordCount > 0 || IsEmptyBatch(result, value), $"Message {i} was neither accepted nor rejected: {Convert.ToHexString(value)}");
            accepted += result.Readings.Count + result.Telemetry.Count;
            rejected += result.Rejections.Count;
        }

        // The corpus must reach every verdict, or the test proves less than it says.
        Assert.Equal(RejectReason.All.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        Assert.True(accepted > FuzzMessages / 20, $"Only {accepted} records were accepted.");
        Assert.True(rejected > FuzzMessages / 2, $"Only {rejected} records were rejected.");
    }

    [Fact]
    public void The_fuzzer_gives_the_same_messages_for_the_same_seed()
    {
        var (a, b) = (new MessageFuzzer(7, ["S0001"], ["P001"], Now), new MessageFuzzer(7, ["S0001"], ["P001"], Now));
        for (var i = 0; i < 500; i++)
        {
            var (x, y) = (a.Next(), b.Next());
            Assert.Equal(x.Topic, y.Topic);
            Assert.Equal(x.Value, y.Value);
        }
    }

    static bool IsEmptyBatch(ValidationResult result, byte[] value) =>
        result.RecordCount == 0 && System.Text.Json.JsonDocument.Parse(value).RootElement is { ValueKind: System.Text.Json.JsonValueKind.Object } root
        && (root.TryGetProperty("readings", out var batch) || root.TryGetProperty("records", out batch)) && batch.GetArrayLength() == 0;

    static void AssertWithinWindow(DateTimeOffset observedAt, IngestOptions options, int message)
    {
        Assert.Equal(TimeSpan.Zero, observedAt.Offset);
        Assert.True(observedAt <= Now + options.FutureTolerance && observedAt >= Now - options.MaxAge, $"Message {message}: observed_at {observedAt:O} outside the window.");
    }

    static void AssertInRange(double?[] values, IReadOnlyList<(string Field, double Min, double Max, string Unit)> ranges, int message)
    {
        for (var f = 0; f < values.Length; f++)
        {
            Assert.True(values[f] is null || (double.IsFinite(values[f]!.Value) && values[f] >= ranges[f].Min && values[f] <= ranges[f].Max), $"Message {message}: {ranges[f].Field} = {values[f]}.");
        }
    }
}
