namespace AirQuality.Export;

/// <summary>
/// The tables and views that can be exported, each with its query for a period (and optionally a district). The names
/// are a closed list, so no name from the command line ever reaches SQL; the period and district are parameters.
/// </summary>
public sealed class ExportTable
{
    ExportTable(string name, string periodColumn, bool periodIsTimestamp, bool hasDistrict, string sql) =>
        (Name, PeriodColumn, PeriodIsTimestamp, HasDistrict, Sql) = (name, periodColumn, periodIsTimestamp, hasDistrict, sql);

    public string Name { get; }

    public string PeriodColumn { get; }

    public bool PeriodIsTimestamp { get; }

    public bool HasDistrict { get; }

    /// <summary>A constant of this file: the constructor is private, so no other SQL can be made an export.</summary>
    public string Sql { get; }

    // Periods are half-open, [@from, @to): local midnights as UTC instants for timestamps, days for dates.
    public static readonly IReadOnlyList<ExportTable> All =
    [
        new("readings", "observed_at", true, true,
            "SELECT r.* FROM sensor_readings r WHERE r.observed_at >= @from AND r.observed_at < @to " +
            "AND (@district::text IS NULL OR r.sensor_id IN (SELECT sensor_id FROM sensors WHERE district_id = @district)) ORDER BY r.observed_at, r.sensor_id"),
        new("sensor_hourly_means", "hour_start", true, true,
            "SELECT * FROM sensor_hourly_means WHERE hour_start >= @from AND hour_start < @to " +
            "AND (@district::text IS NULL OR district_id = @district) ORDER BY hour_start, sensor_id"),
        new("sensor_daily", "day", false, true,
            "SELECT * FROM sensor_daily WHERE day >= @from AND day < @to AND (@district::text IS NULL OR district_id = @district) ORDER BY day, sensor_id"),
        new("district_daily", "day", false, true,
            "SELECT * FROM district_daily WHERE day >= @from AND day < @to AND (@district::text IS NULL OR district_id = @district) ORDER BY day, district_id"),
        new("city_daily", "day", false, false,
            "SELECT * FROM city_daily WHERE day >= @from AND day < @to AND @district::text IS NULL ORDER BY day"),
        new("anomalies", "day", false, true,
            "SELECT * FROM anomalies WHERE day >= @from AND day < @to AND (@district::text IS NULL OR @district = ANY (district_ids)) ORDER BY day, anomaly_id"),
        new("source_flags", "day", false, true,
            "SELECT f.* FROM source_flags f WHERE f.day >= @from AND f.day < @to " +
            "AND (@district::text IS NULL OR f.source_id IN (SELECT source_id FROM pollution_sources WHERE district_id = @district)) ORDER BY f.day, f.flag_id"),
    ];

    /// <summary>The table called <paramref name="name"/>, or an error listing the ones there are.</summary>
    public static ExportTable Find(string name) =>
        All.FirstOrDefault(t => t.Name == name)
        ?? throw new ArgumentException($"There is no export of '{name}'; the tables and views that can be exported are {string.Join(", ", All.Select(t => t.Name))}.", nameof(name));
}
