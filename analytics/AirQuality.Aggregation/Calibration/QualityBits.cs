namespace AirQuality.Aggregation.Calibration;

/// <summary>
/// The bits of <c>sensor_hour_quality.flags</c> (migrations 0021 and 0023), each judging a sensor-hour's raw PM2.5
/// hourly mean. Thresholds: docs/calibration.md, "Quality flags".
/// </summary>
[Flags]
public enum QualityBits
{
    None = 0,
    OutOfRange = 1,
    RateOfChange = 2,
    FlatLine = 4,
    HumidityHigh = 8,
    CalibrationExpired = 16,
    NeighbourDisagreement = 32,
    Drift = 64,
}
