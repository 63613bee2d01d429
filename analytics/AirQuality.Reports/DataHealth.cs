namespace AirQuality.Reports;

/// <summary>The data-health section: completeness per district, sensors offline all day, sensor faults, and the micro sensors' calibration (null where not loaded).</summary>
public sealed record DataHealth(IReadOnlyList<DistrictCompleteness> Completeness, IReadOnlyList<SensorProblem> Offline, IReadOnlyList<SensorProblem> Faults,
    CalibrationHealth? Calibration = null);
