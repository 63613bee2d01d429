namespace AirQuality.Aggregation.Calibration;

/// <summary>One paired hour: the micro sensor's raw hourly PM2.5 mean, its hourly mean humidity, and the reference stations' mean.</summary>
/// <remarks>µg/m³ and %; <see cref="Day"/> is the UTC day number of the hour, the unit of cross-validation folds.</remarks>
public readonly record struct CalibrationSample(double Raw, double Rh, double Reference, int Day);
