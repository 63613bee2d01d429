using System.Globalization;
using Dapper;
using Npgsql;

namespace AirQuality.Aggregation;

/// <summary>
/// One row of <c>year_over_year()</c>: a pollutant's mean of valid daily means over local days <see cref="From"/> to
/// <see cref="To"/> (inclusive) for a city, district or sensor, against the same days a year earlier.
/// </summary>
public sealed record YearOverYear(
    string Level, string AreaId, string AreaName, Pollutant Pollutant, DateOnly From, DateOnly To,
    int Days, double? MeanThis, int ValidDaysThis, int? ExceedanceDaysThis, string[] StandardsThis,
    int DaysLast, double? MeanLast, int ValidDaysLast, int? ExceedanceDaysLast, string[] StandardsLast,
    double? Change, double? ChangePct, bool Comparable)
{
    /// <summary>The share of a period's days that must be valid on each side for a comparison (GB 3095: 324 of 365 for a year).</summary>
    public const double MinValidShare = 324.0 / 365;

    public static async Task<IReadOnlyList<YearOverYear>> QueryAsync(NpgsqlDataSource dataSource, Pollutant pollutant, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        if (to < from)
        {
            throw new ArgumentOutOfRangeException(nameof(to), to, $"The period must end on or after its first day ({from:yyyy-MM-dd}).");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            "SELECT * FROM year_over_year(@pollutant, @from, @to, @share)",
            new { pollutant = pollutant.Code(), from, to, share = MinValidShare }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new YearOverYear(r.Level, r.AreaId, r.AreaName, pollutant, from, to,
            r.Days, r.MeanThis, r.ValidDaysThis, r.ExceedanceDaysThis, r.StandardsThis ?? [],
            r.DaysLast, r.MeanLast, r.ValidDaysLast, r.ExceedanceDaysLast, r.StandardsLast ?? [],
            r.Change, r.ChangePct, r.Comparable))];
    }

    /// <summary>
    /// The figure in words, as the bureau quotes it: "Shapingba: PM2.5 averaged 31.2 µg/m³ from 1 Jan to 30 Jun 2026,
    /// down 8.2% from 34.0 µg/m³ in the same period last year (181 and 181 valid days)."
    /// </summary>
    public string Describe()
    {
        var c = CultureInfo.InvariantCulture;
        var name = PollutantName(Pollutant);
        var unit = Pollutant.Unit();
        var period = From == To ? $"on {To.ToString("d MMM yyyy", c)}"
            : From.Year == To.Year ? $"from {From.ToString("d MMM", c)} to {To.ToString("d MMM yyyy", c)}"
            : $"from {From.ToString("d MMM yyyy", c)} to {To.ToString("d MMM yyyy", c)}";
        if (MeanThis is not { } mean)
        {
            return $"{AreaName}: no valid {name} days {period}.";
        }

        var text = string.Create(c, $"{AreaName}: {name} averaged {mean:0.0} {unit} {period}");
        if (Comparable && MeanLast is { } last && ChangePct is { } pct)
        {
            var direction = pct < 0 ? "down" : pct > 0 ? "up" : "unchanged";
            text += pct == 0
                ? string.Create(c, $", unchanged from {last:0.0} {unit} in the same period last year")
                : string.Create(c, $", {direction} {Math.Abs(pct):0.0}% from {last:0.0} {unit} in the same period last year");
            text += string.Create(c, $" ({ValidDaysThis} and {ValidDaysLast} valid days).");
        }
        else
        {
            var needed = (int)Math.Ceiling(MinValidShare * Days);
            var neededLast = (int)Math.Ceiling(MinValidShare * DaysLast);
            text += string.Create(c, $"; not comparable with last year: {ValidDaysThis} of {Days} days valid this year (at least {needed} needed) and {ValidDaysLast} of {DaysLast} last year (at least {neededLast}).");
        }

        if (ExceedanceDaysThis is { } exceeded)
        {
            text += string.Create(c, $" Days above the 24-hour limit: {exceeded}, against {ExceedanceDaysLast ?? 0} last year.");
        }

        return text;
    }

    /// <summary>
    /// A note for when the periods were judged by different standards (across 1 March 2026), null otherwise: the means
    /// compare directly, but AQI and exceedance days follow the standard in force each day.
    /// </summary>
    public string? StandardsNote =>
        StandardsThis.Length > 0 && StandardsLast.Length > 0 && !StandardsThis.SequenceEqual(StandardsLast)
            ? $"Standards differ between the periods ({string.Join(", ", StandardsLast)} last year, {string.Join(", ", StandardsThis)} this year): the means compare directly; each day's AQI and exceedance follow the standard in force that day (table aq_standards)."
            : null;

    static string PollutantName(Pollutant pollutant) => pollutant switch
    {
        Pollutant.Pm25 => "PM2.5",
        Pollutant.Pm10 => "PM10",
        Pollutant.O3 => "O3 (daily maximum 8-hour mean)",
        _ => pollutant.Code().ToUpperInvariant(),
    };

    sealed class Row
    {
        public string Level { get; set; } = "";
        public string AreaId { get; set; } = "";
        public string AreaName { get; set; } = "";
        public int Days { get; set; }
        public double? MeanThis { get; set; }
        public int ValidDaysThis { get; set; }
        public int? ExceedanceDaysThis { get; set; }
        public string[]? StandardsThis { get; set; }
        public int DaysLast { get; set; }
        public double? MeanLast { get; set; }
        public int ValidDaysLast { get; set; }
        public int? ExceedanceDaysLast { get; set; }
        public string[]? StandardsLast { get; set; }
        public double? Change { get; set; }
        public double? ChangePct { get; set; }
        public bool Comparable { get; set; }
    }
}
