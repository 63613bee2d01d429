using Dapper;
using Npgsql;

namespace AirQuality.Reports;

/// <summary>Reads what the e-mail's map and episode charts draw (<see cref="ReportFigures"/>).</summary>
public sealed class ReportFigureQueries(NpgsqlDataSource dataSource)
{
    /// <summary>How many of the day's top pollution episodes get a chart.</summary>
    public const int ChartedEpisodes = 3;

    public async Task<ReportFigures> LoadAsync(TeamReport report, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var ids = report.Districts.Select(d => d.DistrictId).ToArray();
        var sensors = (await connection.QueryAsync<(string, double, double, string?)>(new CommandDefinition("""
            SELECT s.sensor_id, s.latitude, s.longitude, CASE WHEN sd.pm25_valid THEN aqi_category(sd.pm25_iaqi) END
            FROM sensors s LEFT JOIN sensor_daily sd ON sd.sensor_id = s.sensor_id AND sd.day = @day
            WHERE s.district_id = ANY (@ids) ORDER BY s.sensor_id
            """, new { day = report.Day, ids }, cancellationToken: cancellationToken)))
            .Select(r => new MapSensor(r.Item1, r.Item2, r.Item3, r.Item4)).ToList();

        var from = TimeZoneInfo.ConvertTimeToUtc(report.Day.ToDateTime(TimeOnly.MinValue), report.Zone);
        var to = TimeZoneInfo.ConvertTimeToUtc(report.Day.AddDays(1).ToDateTime(TimeOnly.MinValue), report.Zone);
        var episodes = new List<EpisodeSeries>();
        foreach (var episode in report.Anomalies.Where(a => a.Rank > 0).OrderBy(a => a.Rank).Take(ChartedEpisodes))
        {
            var sensorIds = episode.Sensors.Select(s => s.Id).ToArray();
            var hours = await connection.QueryAsync<(DateTime, double?, double?)>(new CommandDefinition("""
                SELECT g.hour,
                       (SELECT avg(m.pm25_ugm3) FROM sensor_hourly_means m
                        WHERE m.sensor_id = ANY (@sensorIds) AND m.hour_start = g.hour AND m.pm25_valid)::double precision,
                       (SELECT avg(m.pm25_ugm3) FROM sensor_hourly_means m
                        WHERE m.sensor_id = ANY (@sensorIds) AND m.pm25_valid
                          AND m.hour_start IN (SELECT g.hour - k * interval '1 day' FROM generate_series(1, 7) k))::double precision
                FROM generate_series(@from, @to - interval '1 hour', interval '1 hour') g(hour)
                ORDER BY g.hour
                """, new { sensorIds, from = new DateTimeOffset(from), to = new DateTimeOffset(to) }, cancellationToken: cancellationToken));
            episodes.Add(new EpisodeSeries(episode, [.. hours.Select(h => new HourPoint(DateTime.SpecifyKind(h.Item1, DateTimeKind.Utc), h.Item2, h.Item3))]));
        }

        return new ReportFigures(sensors, episodes);
    }
}
