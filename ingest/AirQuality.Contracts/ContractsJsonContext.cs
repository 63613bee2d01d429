using System.Text.Json.Serialization;

namespace AirQuality.Contracts;

/// <summary>Source-generated JSON for every message contract: snake_case names, nulls left out.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict,
    MaxDepth = 8)]
[JsonSerializable(typeof(SensorReading))]
[JsonSerializable(typeof(SensorReadingBatch))]
[JsonSerializable(typeof(SourceTelemetry))]
[JsonSerializable(typeof(SourceTelemetryBatch))]
public sealed partial class ContractsJsonContext : JsonSerializerContext;
