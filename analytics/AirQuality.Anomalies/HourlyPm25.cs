namespace AirQuality.Anomalies;

/// <summary>
/// PM2.5 of every sensor over a day and the baseline days before it, the input of <see cref="AnomalyDetector.Detect"/>:
/// hourly and 15-minute means, and the city's hourly wind; from the database, or from a simulated world.
/// </summary>
/// <remarks>
/// <see cref="Values"/>[sensor × <see cref="Hours"/> + hour], µg/m³, NaN where the hour is missing or invalid; hour 0 is
/// <see cref="FirstHour"/> (hours since 1970-01-01 UTC). <see cref="Quarters"/>[sensor × <see cref="Hours"/> × 4 + quarter]
/// holds the 15-minute means the same way (quarter q of an hour holds the readings in (start + 15q min, start + 15(q + 1) min]),
/// NaN where a quarter had no reading. <see cref="WindFromDeg"/>[hour] is the city's wind direction that hour, degrees
/// clockwise from north that it blows from, NaN where no station measured it. <see cref="DayReadings"/> and
/// <see cref="DayFlat"/> cover only the day itself (its last hours): readings stored per sensor-hour, and whether the
/// hour's readings were all identical.
/// </remarks>
public sealed record HourlyPm25(long FirstHour, int Hours, double[] Values, double[] Quarters, double[] WindFromDeg, int[] DayReadings, bool[] DayFlat)
{
    /// <summary>15-minute means per hour.</summary>
    public const int QuartersPerHour = 4;

    public int Sensors => Values.Length / Hours;

    /// <summary>The city's mean wind speed each hour, m/s, NaN where no station measured it; null when not known at all.</summary>
    public double[]? WindSpeedMs { get; init; }
}
