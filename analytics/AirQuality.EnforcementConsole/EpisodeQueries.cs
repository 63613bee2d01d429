using AirQuality.Aggregation;
using Dapper;
using Npgsql;

namespace AirQuality.EnforcementConsole;

/// <summary>The today page's episodes: their sensors' hours against their usual level, and the flagged sources' telemetry.</summary>
static class EpisodeQueries
{
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
        var sensorIds = episodes.SelectMany(e => e.SensorIds).Distinct(StringComparer.Ordinal).ToArray();
        var levels = await UsualHourlyLevels.LoadAsync(connection, sensorIds, day, zone, options.UsualDays, cancellationToken);

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
            var sensors = e.SensorIds.Where(levels.ContainsKey).ToList();
            var usualMean = UsualHourlyLevels.MeanOver(sensors.Select(s => levels[s]), s => s.Usual).ToList();
            var sources = flaggedPerEpisode[e.AnomalyId].Distinct(StringComparer.Ordinal).ToList();
            return new EpisodeView(e.AnomalyId, e.SensorIds, new DateTimeOffset(DateTime.SpecifyKind(e.StartedAt, DateTimeKind.Utc)),
                new DateTimeOffset(DateTime.SpecifyKind(e.EndedAt, DateTimeKind.Utc)), e.PeakUgm3, sources,
                sensors.Select(s => new HourlySeries(s, levels[s].Today)).ToList(), usualMean,
                sources.Where(telemetry.ContainsKey).Select(s => new HourlySeries(s, telemetry[s])).ToList());
        }).ToList();
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
