using Dapper;
using Npgsql;

namespace AirQuality.Aggregation;

/// <summary>A district's row of <c>district_daily</c>, with its name: PM2.5 (µg/m³), validity and AQI for one local day.</summary>
public sealed record DistrictDay(
    string DistrictId, string DistrictName, DateOnly Day, double? Pm25Ugm3, bool Pm25Valid, int Pm25Sensors, int Sensors,
    int? Aqi, string? AqiCategory, string StandardVersion)
{
    public static async Task<IReadOnlyList<DistrictDay>> QueryAsync(NpgsqlDataSource dataSource, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string DistrictId, string DistrictName, DateTime Day, double? Pm25Ugm3, bool Pm25Valid, int Pm25Sensors, int Sensors, int? Aqi, string? AqiCategory, string StandardVersion)>(new CommandDefinition("""
            SELECT d.district_id, d.name AS district_name, x.day, x.pm25_ugm3::float8 AS pm25_ugm3, x.pm25_valid, x.pm25_sensors, x.sensors,
                   x.aqi::int AS aqi, x.aqi_category, x.standard_version
            FROM district_daily x JOIN districts d USING (district_id)
            WHERE x.day BETWEEN @from AND @to
            ORDER BY x.day, d.name
            """, new { from, to }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new DistrictDay(r.DistrictId, r.DistrictName, DateOnly.FromDateTime(r.Day), r.Pm25Ugm3, r.Pm25Valid, r.Pm25Sensors, r.Sensors, r.Aqi, r.AqiCategory, r.StandardVersion))];
    }
}
