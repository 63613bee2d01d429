using System.Text.Json;
using AirQuality.Contracts;
using AirQuality.Ingest.Validation;
using AirQuality.Tests.Support;
using Xunit;

namespace AirQuality.Ingest.Tests.Validation;

/// <summary>The published JSON Schemas (docs/schemas) say what the validator enforces: the same fields, required ones and ranges.</summary>
public sealed class MessageSchemaTests
{
    public static TheoryData<string, string, string> Topics => new()
    {
        { Contracts.Topics.SensorReadings, "sensor_id", "readings" },
        { Contracts.Topics.SourceTelemetry, "source_id", "records" },
    };

    [Theory]
    [MemberData(nameof(Topics))]
    public void The_schema_of_each_topic_matches_the_validator(string topic, string idField, string batchField)
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestRegistry.RepositoryRoot, "docs", "schemas", $"{topic}.schema.json")));
        var record = schema.RootElement.GetProperty("$defs").GetProperty("record");
        var properties = record.GetProperty("properties");
        var ranges = topic == Contracts.Topics.SensorReadings ? PhysicalRanges.Readings : PhysicalRanges.Telemetry;

        foreach (var (field, min, max, _) in ranges)
        {
            var property = properties.GetProperty(field);
            Assert.Equal((min, max), (property.GetProperty("minimum").GetDouble(), property.GetProperty("maximum").GetDouble()));
        }

        var numeric = properties.EnumerateObject().Where(p => p.Value.TryGetProperty("minimum", out _)).Select(p => p.Name);
        Assert.Equal(ranges.Select(r => r.Field).Order(), numeric.Order());
        var required = record.GetProperty("required").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(topic == Contracts.Topics.SensorReadings ? [idField, "observed_at", "pm25"] : [idField, "observed_at"], required);
        Assert.Contains(batchField, schema.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_schema_lists_the_operating_statuses_the_validator_accepts()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestRegistry.RepositoryRoot, "docs", "schemas", $"{Contracts.Topics.SourceTelemetry}.schema.json")));
        var allowed = schema.RootElement.GetProperty("$defs").GetProperty("record").GetProperty("properties").GetProperty("operating_status").GetProperty("enum")
            .EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!);
        Assert.Equal(OperatingStatuses.All.Order(), allowed.Order());
    }
}
