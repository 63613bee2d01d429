namespace AirQuality.Anomalies;

/// <summary>A row of <c>anomalies</c>: a pollution episode or a sensor fault on a local day.</summary>
/// <remarks><see cref="Start"/> is inclusive and <see cref="End"/> exclusive, both UTC; <see cref="PeakUgm3"/> in µg/m³.</remarks>
public sealed record Anomaly(
    DateOnly Day, string Category, IReadOnlyList<string> Kinds, double Severity,
    IReadOnlyList<string> SensorIds, IReadOnlyList<string> DistrictIds, IReadOnlyList<string> TownshipIds,
    DateTime Start, DateTime End, double? PeakUgm3, string? PeakSensorId, DateTime? PeakAt, string Detail)
{
    public const string Pollution = "pollution";
    public const string SensorFault = "sensor_fault";
}
