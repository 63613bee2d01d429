namespace AirQuality.Aggregation.Standards;

/// <summary>
/// Concentrations at the precision HJ 663 reports them in, which is what the IAQI (HJ 633) and the limit comparison
/// (GB 3095) are applied to: whole µg/m³ for PM2.5, PM10, SO2, NO2 and O3, and CO in mg/m³ to one decimal.
/// </summary>
/// <remarks>
/// Rounding follows GB/T 8170, China's rule for rounding measured values where a standard sets no other: to the
/// nearest step, and an exact half to the even neighbour (40.5 → 40, 41.5 → 42; CO 2.25 → 2.2). A daily mean is a
/// double mean of float32 readings, off the decimal mean of the values sent by up to 2^-24 of it (75.0 arrives as
/// 75.0000019), so the mean is first taken to a thousandth of a step (<see cref="GuardsPerStep"/>) to tell a half
/// from float noise around it; that is far finer than a reading's own precision and coarser than the noise below
/// 8,000 µg/m³. The SQL function <c>aq_reported_steps()</c> (migration 0014) does the same operations in the same
/// order, so both agree exactly.
/// </remarks>
public static class ReportedConcentration
{
    /// <summary>A step is split into this many parts before rounding, so float noise within half a part is ignored.</summary>
    public const int GuardsPerStep = 1000;

    /// <summary>Reporting steps per unit: 10 for CO (0.1 mg/m³), 1 for the rest (1 µg/m³).</summary>
    public static int StepsPerUnit(Pollutant pollutant) => pollutant == Pollutant.Co ? 10 : 1;

    /// <summary>
    /// The concentration (µg/m³; CO mg/m³) as whole reporting steps: µg/m³, or tenths of mg/m³ for CO; null for NaN
    /// or a negative value.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The concentration is infinite.</exception>
    public static long? Steps(Pollutant pollutant, double concentration)
    {
        if (double.IsNaN(concentration) || concentration < 0)
        {
            return null;
        }

        if (double.IsInfinity(concentration))
        {
            throw new ArgumentOutOfRangeException(nameof(concentration), concentration, $"A {pollutant.Code()} concentration must be finite.");
        }

        // One multiplication by an exact constant, then integers only: the same in C# and in PostgreSQL (round() on a double, rint()).
        var guards = (long)Math.Round(concentration * ((double)StepsPerUnit(pollutant) * GuardsPerStep), MidpointRounding.ToEven);
        var (steps, rest) = Math.DivRem(guards, GuardsPerStep);
        return rest > GuardsPerStep / 2 || (rest == GuardsPerStep / 2 && steps % 2 == 1) ? steps + 1 : steps;
    }

    /// <summary>The concentration as reported: 75.0000019 → 75, 40.5 → 40, CO 2.2000000001 → 2.2; NaN for NaN or a negative value.</summary>
    public static double Round(Pollutant pollutant, double concentration) =>
        Steps(pollutant, concentration) is { } steps ? steps / (double)StepsPerUnit(pollutant) : double.NaN;
}
