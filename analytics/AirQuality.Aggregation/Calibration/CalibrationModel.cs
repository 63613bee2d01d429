namespace AirQuality.Aggregation.Calibration;

/// <summary>A fitted correction: <see cref="A"/>, <see cref="B"/>, <see cref="C"/> for <see cref="CalibrationMethod.LinearRh"/>, <see cref="Kappa"/> for <see cref="CalibrationMethod.Hygroscopic"/>.</summary>
/// <remarks>PM2.5 in µg/m³, relative humidity in %. <see cref="Apply"/> is the same formula as SQL's <c>calibrated_pm25()</c> (migration 0019).</remarks>
public sealed record CalibrationModel(CalibrationMethod Method, double A = 0, double B = 0, double C = 0, double Kappa = 0)
{
    /// <summary>The highest RH the hygroscopic term takes: at 100% it has no finite value.</summary>
    public const double MaxRh = 99;

    /// <summary>The growth term RH/(100 − RH), RH clamped to 0–<see cref="MaxRh"/>.</summary>
    public static double Growth(double rh)
    {
        var h = Math.Clamp(rh, 0, MaxRh);
        return h / (100 - h);
    }

    /// <summary>The corrected value of <paramref name="raw"/> at <paramref name="rh"/>; linear results are floored at 0.</summary>
    public double Apply(double raw, double rh) => Method switch
    {
        CalibrationMethod.LinearRh => Math.Max(0, A * raw + B * rh + C),
        _ => raw / (1 + Kappa * Growth(rh)),
    };
}
