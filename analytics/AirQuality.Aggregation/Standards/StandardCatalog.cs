using Dapper;
using Npgsql;

namespace AirQuality.Aggregation.Standards;

/// <summary>
/// The dated standards and IAQI breakpoints from <c>aq_standards</c> and <c>aq_iaqi_breakpoints</c>, and the IAQI
/// and AQI rules of HJ 633 applied to them.
/// </summary>
public sealed class StandardCatalog
{
    /// <summary>The daily O3 IAQI uses the 8-hour maximum up to this concentration, and the 1-hour maximum above it (HJ 633).</summary>
    public const double O3EightHourCeilingUgm3 = 800;

    readonly IReadOnlyList<AirQualityStandard> _standards;
    // Breakpoint concentrations in reporting steps (ReportedConcentration), so the IAQI is exact integer arithmetic.
    readonly Dictionary<(string Version, string Pollutant, string Averaging), (int Iaqi, long Steps)[]> _breakpoints;

    /// <exception cref="ArgumentException">A breakpoint is not a whole number of reporting steps (1 µg/m³; CO 0.1 mg/m³).</exception>
    public StandardCatalog(IReadOnlyList<AirQualityStandard> standards, IEnumerable<(string Version, string Pollutant, string Averaging, int Iaqi, double Concentration)> breakpoints)
    {
        _standards = standards;
        _breakpoints = breakpoints
            .GroupBy(b => (b.Version, b.Pollutant, b.Averaging))
            .ToDictionary(g => g.Key, g => g.OrderBy(b => b.Iaqi).Select(b => (b.Iaqi, BreakpointSteps(b.Version, b.Pollutant, b.Averaging, b.Iaqi, b.Concentration))).ToArray());
    }

    public IReadOnlyList<AirQualityStandard> Standards => _standards;

    public static async Task<StandardCatalog> LoadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var standards = await connection.QueryAsync<(string Version, DateTime From, DateTime? Until, string Aqi, string Ambient, float Daily, float Annual)>(new CommandDefinition(
            "SELECT standard_version, effective_from, effective_until, aqi_regulation, ambient_standard, pm25_24h_limit_ugm3, pm25_annual_limit_ugm3 FROM aq_standards ORDER BY effective_from",
            cancellationToken: cancellationToken));
        var breakpoints = await connection.QueryAsync<(string Version, string Pollutant, string Averaging, short Iaqi, double Concentration)>(new CommandDefinition(
            "SELECT standard_version, pollutant, averaging, iaqi, concentration FROM aq_iaqi_breakpoints", cancellationToken: cancellationToken));
        return new StandardCatalog(
            [.. standards.Select(s => new AirQualityStandard(s.Version, DateOnly.FromDateTime(s.From), s.Until is { } u ? DateOnly.FromDateTime(u) : null, s.Aqi, s.Ambient, s.Daily, s.Annual))],
            breakpoints.Select(b => (b.Version, b.Pollutant, b.Averaging, (int)b.Iaqi, b.Concentration)));
    }

    /// <summary>The standard in force on a local day.</summary>
    /// <exception cref="InvalidOperationException">No row of <c>aq_standards</c> covers the day.</exception>
    public AirQualityStandard On(DateOnly day) =>
        _standards.FirstOrDefault(s => s.AppliesTo(day))
        ?? throw new InvalidOperationException($"No air-quality standard in aq_standards covers {day:yyyy-MM-dd}; add one with an effective date range that does.");

    /// <summary>
    /// The individual AQI of <paramref name="concentration"/> (µg/m³; CO mg/m³) as HJ 663 reports it (rounded by
    /// <see cref="ReportedConcentration"/>): linear between the surrounding breakpoints, any fraction raised to the
    /// next whole number; the top IAQI above the top breakpoint; null for NaN or a negative value.
    /// </summary>
    /// <remarks>Integer arithmetic on reporting steps, as the SQL function <c>iaqi()</c> does, so both give the same IAQI.</remarks>
    public int? Iaqi(string version, Pollutant pollutant, string averaging, double concentration)
    {
        if (!_breakpoints.TryGetValue((version, pollutant.Code(), averaging), out var table))
        {
            throw new InvalidOperationException($"aq_iaqi_breakpoints has no {averaging} breakpoints for {pollutant.Code()} under standard {version}.");
        }

        if (ReportedConcentration.Steps(pollutant, concentration) is not { } steps)
        {
            return null;
        }

        if (steps == 0)
        {
            return 0;
        }

        for (var i = 1; i < table.Length; i++)
        {
            var (hiIaqi, hiSteps) = table[i];
            if (hiSteps >= steps)
            {
                var (loIaqi, loSteps) = table[i - 1];
                var (numerator, denominator) = ((hiIaqi - loIaqi) * (steps - loSteps), hiSteps - loSteps);
                return loIaqi + (int)((numerator + denominator - 1) / denominator); // HJ 633: a fraction is raised
            }
        }

        return table[^1].Iaqi;
    }

    static long BreakpointSteps(string version, string pollutant, string averaging, int iaqi, double concentration)
    {
        var steps = concentration * ReportedConcentration.StepsPerUnit(Pollutants.Parse(pollutant));
        return Math.Abs(steps - Math.Round(steps)) < 1e-9 && steps >= 0
            ? (long)Math.Round(steps)
            : throw new ArgumentException($"The {averaging} IAQI {iaqi} breakpoint of {pollutant} under standard {version} is {concentration}; breakpoints must be whole reporting steps (1 µg/m³; 0.1 mg/m³ for CO), as HJ 633 sets them.", nameof(concentration));
    }

    /// <summary>The AQI category of HJ 633, as <c>aqi_category()</c> names it.</summary>
    public static string Category(int aqi) => aqi switch
    {
        <= 50 => "excellent",
        <= 100 => "good",
        <= 150 => "lightly_polluted",
        <= 200 => "moderately_polluted",
        <= 300 => "heavily_polluted",
        _ => "severely_polluted",
    };
}
