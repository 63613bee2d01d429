namespace AirQuality.Ingest.Validation;

/// <summary>The values a working instrument can report; anything outside is a fault or a corrupted message, not pollution.</summary>
static class PhysicalRanges
{
    /// <summary>Sensor reading fields in <see cref="Contracts.SensorReading"/> order: JSON name, inclusive bounds, unit.</summary>
    public static readonly IReadOnlyList<(string Field, double Min, double Max, string Unit)> Readings =
    [
        ("pm25", 0, 2000, "µg/m³"),
        ("pm10", 0, 5000, "µg/m³"),
        ("no2", 0, 2000, "µg/m³"),
        ("so2", 0, 5000, "µg/m³"),
        ("o3", 0, 1200, "µg/m³"),
        ("co", 0, 150, "mg/m³"),
        ("temperature", -60, 60, "°C"),
        ("humidity", 0, 100, "%"),
        ("wind_speed", 0, 75, "m/s"),
        ("wind_direction", 0, 360, "degrees"),
        ("pressure", 500, 1100, "hPa"),
    ];

    /// <summary>Source telemetry fields in <see cref="Contracts.SourceTelemetry"/> order. Stack concentrations well above any permit still occur during incidents.</summary>
    public static readonly IReadOnlyList<(string Field, double Min, double Max, string Unit)> Telemetry =
    [
        ("particulate", 0, 10_000, "mg/m³"),
        ("so2", 0, 20_000, "mg/m³"),
        ("nox", 0, 20_000, "mg/m³"),
        ("flue_gas_flow", 0, 20_000_000, "m³/h"),
    ];
}
