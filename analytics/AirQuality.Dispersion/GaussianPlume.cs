namespace AirQuality.Dispersion;

/// <summary>
/// Ground-level concentration downwind of a continuous point source: the Gaussian plume with ground reflection,
/// Briggs' urban dispersion coefficients (McElroy–Pooler), power-law wind profile and Briggs buoyant plume rise.
/// </summary>
/// <remarks>
/// Coordinates: <c>x</c> metres downwind, <c>y</c> metres crosswind. Emission in g/s, wind in m/s at 10 m,
/// result in µg/m³. An initial spread stands for the size of a site or a stack's downwash, so that ground-level
/// area sources are not points. Beyond 20 km, or upwind, the contribution is zero.
/// </remarks>
public static class GaussianPlume
{
    const double MaxDistanceM = 20_000;
    const double Gravity = 9.81;
    const double MinWindMs = 1;

    public static double GroundConcentration(double emissionGs, double x, double y, double stackHeightM, double flueFlowM3s, double windSpeed10m, StabilityClass stability, double initialSpreadM)
    {
        if (x < 10 || x > MaxDistanceM || emissionGs <= 0)
        {
            return 0;
        }

        // Urban roughness and heat keep air moving: below 1 m/s the plume formula's 1/u would run away.
        var u = Math.Max(MinWindMs, WindAt(Math.Max(stackHeightM, 10), windSpeed10m, stability));
        var height = stackHeightM + Rise(flueFlowM3s, x, u);
        var (sy, sz) = Sigmas(x, stability);
        sy = Math.Sqrt(sy * sy + initialSpreadM * initialSpreadM);
        sz = Math.Sqrt(sz * sz + (initialSpreadM / 5) * (initialSpreadM / 5)); // a site is wider than it is tall
        var gramsPerM3 = emissionGs / (Math.PI * u * sy * sz) * Math.Exp(-y * y / (2 * sy * sy)) * Math.Exp(-height * height / (2 * sz * sz));
        return gramsPerM3 * 1e6;
    }

    /// <summary>Briggs' urban σy and σz (metres) at <paramref name="x"/> metres downwind.</summary>
    public static (double SigmaY, double SigmaZ) Sigmas(double x, StabilityClass stability) => stability switch
    {
        StabilityClass.A or StabilityClass.B => (0.32 * x / Math.Sqrt(1 + 0.0004 * x), 0.24 * x * Math.Sqrt(1 + 0.001 * x)),
        StabilityClass.C => (0.22 * x / Math.Sqrt(1 + 0.0004 * x), 0.20 * x),
        StabilityClass.D => (0.16 * x / Math.Sqrt(1 + 0.0004 * x), 0.14 * x / Math.Sqrt(1 + 0.0003 * x)),
        _ => (0.11 * x / Math.Sqrt(1 + 0.0004 * x), 0.08 * x / Math.Sqrt(1 + 0.0015 * x)),
    };

    /// <summary>Wind at <paramref name="heightM"/> from the 10 m wind by the urban power law.</summary>
    public static double WindAt(double heightM, double windSpeed10m, StabilityClass stability)
    {
        var p = stability switch
        {
            StabilityClass.A or StabilityClass.B => 0.15,
            StabilityClass.C => 0.20,
            StabilityClass.D => 0.25,
            _ => 0.30,
        };
        return windSpeed10m * Math.Pow(heightM / 10, p);
    }

    /// <summary>Briggs' gradual buoyant rise (metres) of hot flue gas (about 420 K into 288 K air), capped at the final rise.</summary>
    public static double Rise(double flueFlowM3s, double x, double u)
    {
        if (flueFlowM3s <= 0)
        {
            return 0;
        }

        var buoyancyFlux = Gravity * flueFlowM3s / Math.PI * (420 - 288) / 420; // m⁴/s³
        var finalDistance = buoyancyFlux < 55 ? 49 * Math.Pow(buoyancyFlux, 5.0 / 8) : 119 * Math.Pow(buoyancyFlux, 0.4);
        return 1.6 * Math.Pow(buoyancyFlux, 1.0 / 3) * Math.Pow(Math.Min(x, finalDistance), 2.0 / 3) / u;
    }
}
