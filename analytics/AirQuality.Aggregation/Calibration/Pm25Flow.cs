namespace AirQuality.Aggregation.Calibration;

/// <summary>Which micro-sensor PM2.5 hourly mean flows into the daily figures.</summary>
public enum Pm25Flow
{
    /// <summary>The calibrated mean where the hour has one (a calibration in force and humidity), else the raw mean.</summary>
    Corrected,

    /// <summary>Always the raw mean, as the sensor reported it.</summary>
    Raw,
}
