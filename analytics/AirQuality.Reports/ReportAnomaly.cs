namespace AirQuality.Reports;

/// <summary>A row of <c>anomalies</c> as a report shows it: with sensor and township names and its rank among the day's pollution anomalies.</summary>
/// <remarks><see cref="Start"/> (inclusive) and <see cref="End"/> (exclusive) are UTC; <see cref="PeakUgm3"/> in µg/m³; <see cref="Rank"/> is 1 for the most severe, 0 for sensor faults.</remarks>
public sealed record ReportAnomaly(
    long AnomalyId, int Rank, string Category, IReadOnlyList<string> Kinds, double Severity,
    IReadOnlyList<NamedPlace> Sensors, IReadOnlyList<NamedPlace> Townships, IReadOnlyList<string> DistrictIds,
    DateTime Start, DateTime End, double? PeakUgm3, string? PeakSensorId, string Detail)
{
    public TimeSpan Duration => End - Start;
}
