using Dapper;
using Npgsql;

namespace AirQuality.Analytics;

/// <summary>A district's PM2.5 mean for one local day (China Standard Time), in µg/m³, and how many sensors and readings are behind it.</summary>
public sealed record DistrictDailyMean(string DistrictId, string DistrictName, DateOnly Day, double Pm25Ugm3, int Sensors, long Readings)
{
    /// <summary>
    /// Each sensor's daily mean first, then the mean over a district's sensors, so that a micro sensor reporting every
    /// five minutes does not outweigh a national station reporting hourly.
    /// </summary>
    /// <remarks>
    /// The walking skeleton's figure. It applies no validity rules yet; the aggregation stage (hourly means with
    /// the 45-minute rule, daily means from at least 20 valid hours) replaces it.
    /// </remarks>
    public static async Task<IReadOnlyList<DistrictDailyMean>> QueryAsync(NpgsqlDataSource dataSource, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string DistrictId, string DistrictName, DateTime Day, double Pm25Ugm3, long Sensors, long Readings)>(new CommandDefinition("""
            WITH sensor_days AS (
                SELECT r.sensor_id, (r.observed_at - interval '1 second') AT TIME ZONE 'Asia/Shanghai' AS local_time, r.pm25_ugm3
                FROM sensor_readings r
                WHERE r.observed_at > (@from::timestamp AT TIME ZONE 'Asia/Shanghai')
                  AND r.observed_at <= ((@to::timestamp + interval '1 day') AT TIME ZONE 'Asia/Shanghai')
                  AND r.pm25_ugm3 IS NOT NULL
            ), sensor_means AS (
                SELECT sensor_id, local_time::date AS day, avg(pm25_ugm3) AS mean, count(*) AS n
                FROM sensor_days GROUP BY sensor_id, local_time::date
            )
            SELECT d.district_id, d.name AS district_name, m.day, avg(m.mean)::float8 AS pm25_ugm3, count(*) AS sensors, sum(m.n)::int8 AS readings
            FROM sensor_means m JOIN sensors s USING (sensor_id) JOIN districts d USING (district_id)
            GROUP BY d.district_id, d.name, m.day
            ORDER BY m.day, d.name
            """, new { from = from.ToDateTime(TimeOnly.MinValue), to = to.ToDateTime(TimeOnly.MinValue) }, cancellationToken: cancellationToken));
        return rows.Select(r => new DistrictDailyMean(r.DistrictId, r.DistrictName, DateOnly.FromDateTime(r.Day), r.Pm25Ugm3, (int)r.Sensors, r.Readings)).ToList();
    }
}
