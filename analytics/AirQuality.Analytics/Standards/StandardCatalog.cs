using Dapper;
using Npgsql;

namespace AirQuality.Analytics.Standards;

/// <summary>
/// The dated standards and IAQI breakpoints from <c>aq_standards</c> and <c>aq_iaqi_breakpoints</c>, and the IAQI
/// and AQI rules of HJ 633 applied to them.
/// </summary>
public sealed class StandardCatalog
{
    /// <summary>The daily O3 IAQI uses the 8-hour maximum up to this concentration, and the 1-hour maximum above it (HJ 633).</summary>
    public const double O3EightHourCeilingUgm3 = 800;

    readonly IReadOnlyList<AirQualityStandard> _standards;
    readonly Dictionary<(string Version, string Pollutant, string Averaging), (int Iaqi, double Concentration)[]> _breakpoints;

    public StandardCatalog(IReadOnlyList<AirQualityStandard> standards, IEnumerable<(string Version, string Pollutant, string Averaging, int Iaqi, double Concentration)> breakpoints)
    {
        _standards = standards;
        _breakpoints = breakpoints
            .GroupBy(b => (b.Version, b.Pollutant, b.Averaging))
            .ToDictionary(g => g.Key, g => g.OrderBy(b => b.Iaqi).Select(b => (b.Iaqi, b.Concentration)).ToArray());
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
    /// The individual AQI of <paramref name="concentration"/> (µg/m³; CO mg/m³): linear between the surrounding
    /// breakpoints and rounded up; the top IAQI above the top breakpoint; null for NaN or a negative value.
    /// </summary>
    public int? Iaqi(string version, Pollutant pollutant, string averaging, double concentration)
    {
        if (double.IsNaN(concentration) || concentration < 0)
        {
            return null;
        }

        if (!_breakpoints.TryGetValue((version, pollutant.Code(), averaging), out var table))
        {
            throw new InvalidOperationException($"aq_iaqi_breakpoints has no {averaging} breakpoints for {pollutant.Code()} under standard {version}.");
        }

        if (concentration == 0)
        {
            return 0;
        }

        for (var i = 1; i < table.Length; i++)
        {
            var (hiIaqi, hiC) = table[i];
            if (hiC >= concentration)
            {
                var (loIaqi, loC) = table[i - 1];
                // The same operations in the same order as the SQL function iaqi(), so both round alike.
                return (int)Math.Ceiling(loIaqi + (hiIaqi - loIaqi) * (concentration - loC) / (hiC - loC));
            }
        }

        return table[^1].Iaqi;
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
