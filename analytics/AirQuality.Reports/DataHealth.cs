namespace AirQuality.Reports;

/// <summary>The data-health section: completeness per district, sensors offline all day, and sensor faults.</summary>
public sealed record DataHealth(IReadOnlyList<DistrictCompleteness> Completeness, IReadOnlyList<SensorProblem> Offline, IReadOnlyList<SensorProblem> Faults);
