namespace AirQuality.Dispersion;

/// <summary>Pasquill atmospheric stability: A very unstable (strong sun, light wind) to F moderately stable (clear night, light wind).</summary>
public enum StabilityClass
{
    A,
    B,
    C,
    D,
    E,
    F,
}

/// <summary>Pasquill–Turner classification from wind speed, time of day and cloud cover.</summary>
public static class Stability
{
    /// <summary>The class for a 10 m wind speed (m/s), local hour (0–24) and cloud cover (0–1).</summary>
    public static StabilityClass Classify(double windSpeedMs, double localHour, double cloudCover)
    {
        var day = localHour is >= 7 and < 18;
        if (day)
        {
            // Insolation: strong at midday under clear skies, slight in the morning, evening or under cloud.
            var insolation = cloudCover > 0.7 ? 0 : localHour is >= 10 and < 15 && cloudCover < 0.4 ? 2 : 1;
            return (windSpeedMs, insolation) switch
            {
                (< 2, 2) => StabilityClass.A,
                (< 2, 1) => StabilityClass.A,
                (< 2, _) => StabilityClass.B,
                (< 3, 2) => StabilityClass.B,
                (< 3, 1) => StabilityClass.B,
                (< 3, _) => StabilityClass.C,
                (< 5, 2) => StabilityClass.B,
                (< 5, _) => StabilityClass.C,
                (< 6, 2) => StabilityClass.C,
                (< 6, 1) => StabilityClass.C,
                (_, 2) => StabilityClass.C,
                _ => StabilityClass.D,
            };
        }

        var overcast = cloudCover >= 0.5;
        return windSpeedMs switch
        {
            < 2 => overcast ? StabilityClass.E : StabilityClass.F,
            < 3 => overcast ? StabilityClass.E : StabilityClass.F,
            < 5 => overcast ? StabilityClass.D : StabilityClass.E,
            _ => StabilityClass.D,
        };
    }
}
