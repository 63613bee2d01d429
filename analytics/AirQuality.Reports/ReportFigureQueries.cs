using AirQuality.Aggregation;
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

        // The usual level is the console's (UsualHourlyLevels), so an episode's chart says the same in both.
        var from = TimeZoneInfo.ConvertTimeToUtc(report.Day.ToDateTime(TimeOnly.MinValue), report.Zone);
        var episodes = new List<EpisodeSeries>();
        foreach (var episode in report.Anomalies.Where(a => a.Rank > 0).OrderBy(a => a.Rank).Take(ChartedEpisodes))
        {
            var levels = await UsualHourlyLevels.LoadAsync(connection, episode.Sensors.Select(s => s.Id).Distinct(StringComparer.Ordinal).ToList(),
                report.Day, report.Zone, UsualHourlyLevels.DefaultDays, cancellationToken);
            var mean = UsualHourlyLevels.MeanOver(levels.Values, s => s.Today);
            var usual = UsualHourlyLevels.MeanOver(levels.Values, s => s.Usual);
            episodes.Add(new EpisodeSeries(episode, [.. Enumerable.Range(0, 24).Select(h => new HourPoint(from.AddHours(h), mean[h], usual[h]))]));
        }

        return new ReportFigures(sensors, episodes);
    }
}
