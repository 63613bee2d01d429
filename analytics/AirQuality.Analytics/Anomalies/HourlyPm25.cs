namespace AirQuality.Analytics.Anomalies;

/// <summary>
/// Hourly PM2.5 means of every sensor over a day and the baseline days before it, the input of
/// <see cref="AnomalyDetector.Detect"/>: from the database, or from a simulated world.
/// </summary>
/// <remarks>
/// <see cref="Values"/>[sensor × <see cref="Hours"/> + hour], µg/m³, NaN where the hour is missing or invalid; hour 0 is
/// <see cref="FirstHour"/> (hours since 1970-01-01 UTC). <see cref="DayReadings"/> and <see cref="DayFlat"/> cover only the
/// day itself (its last hours): readings stored per sensor-hour, and whether the hour's readings were all identical.
/// </remarks>
public sealed record HourlyPm25(long FirstHour, int Hours, double[] Values, int[] DayReadings, bool[] DayFlat)
{
    public int Sensors => Values.Length / Hours;
}
