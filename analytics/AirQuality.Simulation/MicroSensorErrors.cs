using AirQuality.Dispersion;

namespace AirQuality.Simulation;

/// <summary>
/// Errors of each micro sensor's own, for calibration to find (issue 24): a gain, an offset, a humidity response and
/// a slow drift, drawn per sensor from the world's seed. Off unless <see cref="AirQualityWorld.SensorErrors"/> is set,
/// so the standard worlds, the demo and the attribution model's episode caches draw exactly what they always did.
/// </summary>
/// <remarks>
/// A micro sensor's PM2.5 before its noise is gain·(1 + drift·days)·truth·humidity + offset, where humidity is
/// 1 + κ·max(0, RH − 70)/30 (the common response has κ = 0.5) and days are counted from the simulation's start.
/// Drawn from their own <see cref="Random"/> (seeded from the world's seed), never from the world's.
/// </remarks>
public sealed record MicroSensorErrors
{
    /// <summary>Typical errors of low-cost optical sensors after factory calibration.</summary>
    public static readonly MicroSensorErrors Typical = new();

    /// <summary>Standard deviation of the log of a sensor's gain (0.15: about two in three sensors within ±15%).</summary>
    public double GainLogSd { get; init; } = 0.15;

    /// <summary>Standard deviation of a sensor's offset, µg/m³.</summary>
    public double OffsetSd { get; init; } = 3;

    /// <summary>Standard deviation of the log of a sensor's humidity response κ around the common 0.5.</summary>
    public double KappaLogSd { get; init; } = 0.3;

    /// <summary>The share of micro sensors that drift.</summary>
    public double DriftingShare { get; init; } = 0.1;

    /// <summary>A drifting sensor's gain changes by this much a day, either way, drawn uniformly between a half and the whole, per day (0.03: 3% a day).</summary>
    public double DriftPerDay { get; init; } = 0.03;

    /// <summary>One sensor's drawn errors.</summary>
    public readonly record struct Drawn(double Gain, double OffsetUgm3, double Kappa, double DriftPerDay);

    /// <summary>The errors of each of <paramref name="sensors"/> sensors (entries for stations are drawn too and not used, so a sensor's draw does not depend on the others' kinds).</summary>
    public Drawn[] Draw(int sensors, int seed)
    {
        var random = new Random(unchecked(seed * 104_723 + 12_289));
        var drawn = new Drawn[sensors];
        for (var i = 0; i < sensors; i++)
        {
            var gain = Math.Exp(GainLogSd * WeatherGenerator.Normal(random));
            var offset = OffsetSd * WeatherGenerator.Normal(random);
            var kappa = 0.5 * Math.Exp(KappaLogSd * WeatherGenerator.Normal(random));
            var drifts = random.NextDouble() < DriftingShare;
            var drift = DriftPerDay * (0.5 + 0.5 * random.NextDouble()) * (random.NextDouble() < 0.5 ? -1 : 1);
            drawn[i] = new Drawn(gain, offset, kappa, drifts ? drift : 0);
        }

        return drawn;
    }
}
