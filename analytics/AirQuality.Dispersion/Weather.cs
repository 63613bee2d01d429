namespace AirQuality.Dispersion;

/// <summary>The city's weather in one hour: the regional wind (from, degrees clockwise from north; m/s at 10 m), cloud, humidity, temperature and stability.</summary>
public sealed record Weather(double WindFromDeg, double WindSpeedMs, double CloudCover, double HumidityPct, double TemperatureC, StabilityClass Stability);

/// <summary>Hour-by-hour weather as a seeded random walk with a daily cycle: calm, humid nights; breezier, drier afternoons.</summary>
public sealed class WeatherGenerator(Random random)
{
    double _windFrom = 20 + 40 * random.NextDouble(); // the prevailing wind along the Yangtze valley is north-easterly
    double _windBase = 1.6;
    double _cloud = random.NextDouble();

    public Weather Next(double localHour)
    {
        _windFrom = (_windFrom + 15 * Normal(random) + 360) % 360;
        _windBase = Math.Clamp(_windBase + 0.25 * Normal(random) + 0.05 * (1.6 - _windBase), 0.3, 6);
        _cloud = Math.Clamp(_cloud + 0.15 * Normal(random), 0, 1);
        var afternoon = Math.Exp(-Math.Pow(localHour - 15, 2) / 18);
        var wind = Math.Clamp(_windBase * (0.7 + 0.6 * afternoon), 0.3, 10);
        var humidity = Math.Clamp(72 + 15 * Math.Cos((localHour - 5) * Math.PI / 12) + 6 * Normal(random), 25, 100);
        var temperature = 14 + 6 * Math.Sin((localHour - 9) * Math.PI / 12) + Normal(random);
        return new Weather(_windFrom, wind, _cloud, humidity, temperature, Stability.Classify(wind, localHour, _cloud));
    }

    /// <summary>A standard normal draw (Box–Muller).</summary>
    public static double Normal(Random random)
    {
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
