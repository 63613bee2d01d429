using Dapper;
using Npgsql;

namespace AirQuality.EnforcementConsole;

/// <summary>The today page's episodes: their sensors' hours against their usual level, and the flagged sources' telemetry.</summary>
static class EpisodeQueries
{
    /// <summary>Baseline hours a sensor needs at a clock hour before its median there counts as its usual level.</summary>
    const int MinUsualDays = 3;

    /// <summary>
    /// The attributed pollution episodes of <paramref name="day"/> touching <paramref name="districtIds"/>, with their
    /// charts' series. <paramref name="flaggedPerEpisode"/> gives each episode's sources to inspect in those districts.
    /// </summary>
    public static async Task<IReadOnlyList<EpisodeView>> LoadAsync(NpgsqlConnection connection, DateOnly day, string[] districtIds,
        ILookup<long, string> flaggedPerEpisode, ConsoleOptions options, CancellationToken cancellationToken)
    {
        var episodes = (await connection.QueryAsync<EpisodeRow>(new CommandDefinition("""
            SELECT a.anomaly_id AS AnomalyId, a.sensor_ids AS SensorIds, a.started_at AS StartedAt, a.ended_at AS EndedAt, a.peak_ugm3::double precision AS PeakUgm3
            FROM anomalies a JOIN episode_attributions e USING (anomaly_id)
            WHERE a.day = @day AND a.category = 'pollution' AND a.district_ids && @districtIds
            ORDER BY a.severity DESC, a.anomaly_id
            """, new { day, districtIds }, cancellationToken: cancellationToken))).AsList();
        if (episodes.Count == 0)
        {
            return [];
        }

        var zone = options.Zone;
        var from = TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue), zone);
        var to = TimeZoneInfo.ConvertTimeToUtc(day.AddDays(1).ToDateTime(TimeOnly.MinValue), zone);
        var usualFrom = TimeZoneInfo.ConvertTimeToUtc(day.AddDays(-options.UsualDays).ToDateTime(TimeOnly.MinValue), zone);
        var sensorIds = episodes.SelectMany(e => e.SensorIds).Distinct(StringComparer.Ordinal).ToArray();

        // One pass over the sensors' valid hours: the day's means, and per clock hour the means of the days before.
        var today = new Dictionary<string, double?[]>(StringComparer.Ordinal);
        var before = new Dictionary<string, List<double>[]>(StringComparer.Ordinal);
        foreach (var id in sensorIds)
        {
            today[id] = new double?[24];
            before[id] = Enumerable.Range(0, 24).Select(_ => new List<double>()).ToArray();
        }

        var hours = await connection.QueryAsync<(string SensorId, DateTime HourStart, double Pm25)>(new CommandDefinition("""
            SELECT sensor_id, hour_start, pm25_ugm3::double precision FROM sensor_hourly_means
            WHERE sensor_id = ANY (@sensorIds) AND hour_start >= @usualFrom AND hour_start < @to AND pm25_valid
            """, new { sensorIds, usualFrom, to }, cancellationToken: cancellationToken));
        foreach (var (sensorId, hourStart, pm25) in hours)
        {
            var utc = DateTime.SpecifyKind(hourStart, DateTimeKind.Utc);
            var clock = TimeZoneInfo.ConvertTimeFromUtc(utc, zone).Hour;
            if (utc >= from)
            {
                today[sensorId][clock] = pm25;
            }
            else
            {
                before[sensorId][clock].Add(pm25);
            }
        }

        var usual = before.ToDictionary(p => p.Key, p => p.Value.Select(v => v.Count >= MinUsualDays ? Median(v) : (double?)null).ToArray(), StringComparer.Ordinal);

        // Telemetry of the flagged sources that send it: the hourly mean particulate concentration in the flue gas.
        var flagged = episodes.SelectMany(e => flaggedPerEpisode[e.AnomalyId]).Distinct(StringComparer.Ordinal).ToArray();
        var telemetry = new Dictionary<string, double?[]>(StringComparer.Ordinal);
        if (flagged.Length > 0)
        {
            var rows = await connection.QueryAsync<(string SourceId, DateTime Hour, double Particulate)>(new CommandDefinition("""
                SELECT t.source_id, date_trunc('hour', t.observed_at) AS hour, avg(t.particulate_mgm3)::double precision
                FROM source_telemetry t JOIN pollution_sources p USING (source_id)
                WHERE p.has_telemetry AND t.source_id = ANY (@flagged) AND t.observed_at >= @from AND t.observed_at < @to AND t.particulate_mgm3 IS NOT NULL
                GROUP BY 1, 2
                """, new { flagged, from, to }, cancellationToken: cancellationToken));
            foreach (var (sourceId, hour, particulate) in rows)
            {
                var series = telemetry.TryGetValue(sourceId, out var s) ? s : telemetry[sourceId] = new double?[24];
                // date_trunc works in UTC hours; the zones the pipeline runs in have whole-hour offsets.
                series[TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(hour, DateTimeKind.Utc), zone).Hour] = particulate;
            }
        }

        return episodes.Select(e =>
        {
            var sensors = e.SensorIds.Where(today.ContainsKey).ToList();
            var usualMean = Enumerable.Range(0, 24).Select(h =>
            {
                var levels = sensors.Select(s => usual[s][h]).OfType<double>().ToList();
                return levels.Count == 0 ? (double?)null : levels.Average();
            }).ToList();
            var sources = flaggedPerEpisode[e.AnomalyId].Distinct(StringComparer.Ordinal).ToList();
            return new EpisodeView(e.AnomalyId, e.SensorIds, new DateTimeOffset(DateTime.SpecifyKind(e.StartedAt, DateTimeKind.Utc)),
                new DateTimeOffset(DateTime.SpecifyKind(e.EndedAt, DateTimeKind.Utc)), e.PeakUgm3, sources,
                sensors.Select(s => new HourlySeries(s, today[s])).ToList(), usualMean,
                sources.Where(telemetry.ContainsKey).Select(s => new HourlySeries(s, telemetry[s])).ToList());
        }).ToList();
    }

    static double Median(List<double> values)
    {
        values.Sort();
        var mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    /// <summary>Properties, not a constructor: Dapper hands a text[] column to a constructor as System.Array.</summary>
    sealed class EpisodeRow
    {
        public long AnomalyId { get; init; }

        public string[] SensorIds { get; init; } = [];

        public DateTime StartedAt { get; init; }

        public DateTime EndedAt { get; init; }

        public double? PeakUgm3 { get; init; }
    }
}
