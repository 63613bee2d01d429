namespace AirQuality.Attribution.Training;

/// <summary>
/// What a simulated network measures besides PM2.5: PM10, the gases (SO2 and CO), and the share of the stations that
/// report wind. What it does not measure reaches attribution as missing, as it would from a real network without it.
/// </summary>
public sealed record NetworkCapabilities(bool Pm10 = true, bool Gases = true, double WindStationShare = 1)
{
    public static readonly NetworkCapabilities Full = new();

    /// <summary>PM2.5 and weather only: no PM10 and no gas cells anywhere.</summary>
    public static readonly NetworkCapabilities Pm25AndWeather = new(Pm10: false, Gases: false);

    /// <summary>Whether station <paramref name="s"/> (its index in the registry) reports wind: the same stations in every hour.</summary>
    public bool ReportsWind(int s) => WindStationShare >= 1 || unchecked((uint)s * 2654435761u) % 1000 < WindStationShare * 1000;

    /// <summary>A training world's network, drawn from its seed: PM10 in half of them, gases in half, wind at 40 to 100% of the stations.</summary>
    public static NetworkCapabilities Masked(int seed)
    {
        var random = new Random(unchecked(seed * 31 + 17));
        return new NetworkCapabilities(random.NextDouble() < 0.5, random.NextDouble() < 0.5, Math.Round(0.4 + 0.6 * random.NextDouble(), 2));
    }

    public override string ToString() => $"{(Pm10 ? "PM10" : "no PM10")}, {(Gases ? "gases" : "no gases")}, wind at {WindStationShare:0%} of stations";
}
