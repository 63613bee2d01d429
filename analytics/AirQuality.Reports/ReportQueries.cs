using AirQuality.Aggregation.Columns;
using AirQuality.Aggregation.Daily;
using AirQuality.Aggregation;
using Dapper;
using Npgsql;

namespace AirQuality.Reports;

/// <summary>
/// Reads what a team's daily report says from the tables other stages fill: <c>district_daily</c> and
/// <c>year_over_year()</c> (aggregation), <c>anomalies</c>, <c>episode_attributions</c> and <c>source_flags</c>
/// (attribution), <c>sensor_hourly</c> (completeness). Writes nothing but the fold of staged hourly sums (<see cref="HourlyStore.FoldAsync"/>) before it reads them.
/// </summary>
/// <remarks>
/// A section whose stage has not run for the day is still returned, empty or marked so (for example
/// <see cref="AttributionSection.HasRun"/>), so the report can say so rather than leave it out.
/// </remarks>
public sealed class ReportQueries(NpgsqlDataSource dataSource, TimeZoneInfo zone)
{
    /// <summary>Days shown in each district's chart, the report's day included.</summary>
    public const int ChartDays = 7;

    /// <summary>Every enforcement team, by id.</summary>
    public async Task<IReadOnlyList<EnforcementTeam>> TeamsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string TeamId, string Name, string[] Recipients, string[]? DistrictIds)>(new CommandDefinition("""
            SELECT t.team_id, t.name, t.recipient_emails,
                   array_agg(d.district_id ORDER BY d.district_id) FILTER (WHERE d.district_id IS NOT NULL) AS district_ids
            FROM enforcement_teams t LEFT JOIN enforcement_team_districts d USING (team_id)
            GROUP BY t.team_id, t.name, t.recipient_emails
            ORDER BY t.team_id
            """, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new EnforcementTeam(r.TeamId, r.Name, r.Recipients, r.DistrictIds ?? []))];
    }

    /// <summary>The report of <paramref name="team"/> for local day <paramref name="day"/>.</summary>
    public async Task<TeamReport> LoadAsync(EnforcementTeam team, DateOnly day, CancellationToken cancellationToken)
    {
        var ids = team.DistrictIds.ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var sensors = (await connection.QueryAsync<(string Id, string Name, string DistrictId, string TownshipId, int IntervalS)>(new CommandDefinition(
            "SELECT sensor_id, name, district_id, township_id, reporting_interval_s FROM sensors ORDER BY sensor_id", cancellationToken: cancellationToken)))
            .ToDictionary(s => s.Id, StringComparer.Ordinal);
        var townships = (await connection.QueryAsync<NamedPlace>(new CommandDefinition(
            "SELECT township_id AS id, name, name_local AS localname FROM townships", cancellationToken: cancellationToken)))
            .ToDictionary(t => t.Id, StringComparer.Ordinal);

        var districts = await HeadlinesAsync(connection, ids, day, cancellationToken);
        var rows = (await connection.QueryAsync<AnomalyRow>(new CommandDefinition("""
            SELECT anomaly_id, category, kinds, severity::float8 AS severity, sensor_ids, district_ids, township_ids, started_at, ended_at,
                   peak_ugm3::float8 AS peak_ugm3, peak_sensor_id, detail
            FROM anomalies
            WHERE day = @day AND district_ids && @ids
            ORDER BY category = 'sensor_fault', severity DESC, started_at, anomaly_id
            """, new { day, ids }, cancellationToken: cancellationToken))).ToList();
        var sensorNames = sensors.ToDictionary(s => s.Key, s => s.Value.Name, StringComparer.Ordinal);
        var pollution = rows.Where(r => r.Category == "pollution").Select((r, i) => ToAnomaly(r, i + 1, sensorNames, townships)).ToList();
        var faults = rows.Where(r => r.Category == "sensor_fault").Select(r => ToAnomaly(r, 0, sensorNames, townships)).ToList();
        var ranks = pollution.ToDictionary(a => a.AnomalyId, a => a.Rank);

        var attribution = await AttributionAsync(connection, ids, day, ranks, cancellationToken);
        var contributors = WeeklyContributors.IsDue(day) ? await ContributorsAsync(connection, ids, day, cancellationToken) : null;

        var local = new LocalDays(day, day, zone);
        var (from, to) = (HourlyColumns.HourStart(local.FirstHour), HourlyColumns.HourStart(local.FirstHour + local.Hours));
        await HourlyStore.FoldAsync(connection, cancellationToken);
        var readings = (await connection.QueryAsync<(string SensorId, long Readings)>(new CommandDefinition("""
            SELECT s.sensor_id, coalesce(sum(h.pm25_readings), 0)::bigint AS readings
            FROM sensors s LEFT JOIN sensor_hourly h ON h.sensor_id = s.sensor_id AND h.hour_start >= @from AND h.hour_start < @to
            WHERE s.district_id = ANY(@ids)
            GROUP BY s.sensor_id
            """, new { ids, from, to }, cancellationToken: cancellationToken))).ToDictionary(r => r.SensorId, r => r.Readings, StringComparer.Ordinal);
        var health = Health(districts, sensors.Values.Where(s => readings.ContainsKey(s.Id)).Select(s => (s.Id, s.Name, s.DistrictId, s.TownshipId, s.IntervalS, readings[s.Id])).ToList(),
            rows.Where(r => r.Category == "sensor_fault").ToList(), local.Hours, from, to, townships) with
        {
            Calibration = await CalibrationAsync(connection, ids, day, zone.Id, cancellationToken),
        };
        return new TeamReport(team, day, zone, districts, pollution, faults, attribution, health, contributors);
    }

    /// <summary>The team's micro sensors by their latest calibration's scope, and how many met the EPA targets (migration 0019).</summary>
    static async Task<CalibrationHealth> CalibrationAsync(NpgsqlConnection connection, string[] ids, DateOnly day, string zone, CancellationToken cancellationToken)
    {
        var fromDay = day.AddDays(1 - CalibrationHealth.Days);
        return await connection.QuerySingleAsync<CalibrationHealth>(new CommandDefinition("""
            WITH latest AS (
                SELECT DISTINCT ON (sensor_id) sensor_id, scope FROM sensor_calibrations ORDER BY sensor_id, version DESC
            ), judged AS (
                SELECT * FROM sensor_calibration_performance(@zone, 18, @fromDay, @day)
            )
            SELECT count(*)::int AS microsensors, count(*) FILTER (WHERE l.scope = 'sensor')::int AS own, count(*) FILTER (WHERE l.scope = 'network')::int AS network,
                   count(*) FILTER (WHERE j.raw_meets_targets)::int AS rawmeettargets, count(*) FILTER (WHERE j.corrected_meets_targets)::int AS correctedmeettargets,
                   count(j.corrected_meets_targets)::int AS judged
            FROM sensors s LEFT JOIN latest l USING (sensor_id) LEFT JOIN judged j USING (sensor_id)
            WHERE s.kind = 'micro_sensor' AND s.district_id = ANY(@ids)
            """, new { ids, fromDay, day, zone }, cancellationToken: cancellationToken));
    }

    async Task<IReadOnlyList<DistrictHeadline>> HeadlinesAsync(NpgsqlConnection connection, string[] ids, DateOnly day, CancellationToken cancellationToken)
    {
        var today = (await connection.QueryAsync<HeadlineRow>(new CommandDefinition("""
            SELECT d.district_id, d.name, d.name_local, (SELECT count(*) FROM sensors s WHERE s.district_id = d.district_id)::int AS sensors, x.day IS NOT NULL AS aggregated, x.pm25_ugm3::float8 AS pm25_ugm3, coalesce(x.pm25_valid, false) AS pm25_valid,
                   x.pm25_iaqi::int AS pm25_iaqi, aqi_category(x.pm25_iaqi) AS pm25_category, x.aqi::int AS aqi, x.aqi_category, x.primary_pollutants,
                   x.pm25_limit_ugm3::float8 AS limit_ugm3, x.pm25_exceeds_limit AS exceeds_limit
            FROM districts d LEFT JOIN district_daily x ON x.district_id = d.district_id AND x.day = @day
            WHERE d.district_id = ANY(@ids)
            ORDER BY d.name
            """, new { ids, day }, cancellationToken: cancellationToken))).ToList();
        var recent = (await connection.QueryAsync<(string DistrictId, DateTime Day, double? Pm25, bool Valid, bool? Exceeds)>(new CommandDefinition("""
            SELECT district_id, day, pm25_ugm3::float8, pm25_valid, pm25_exceeds_limit
            FROM district_daily WHERE district_id = ANY(@ids) AND day BETWEEN @first AND @day
            """, new { ids, first = day.AddDays(1 - ChartDays), day }, cancellationToken: cancellationToken)))
            .ToDictionary(r => (r.DistrictId, DateOnly.FromDateTime(r.Day)));
        // The period to date: 1 January to the day, against the same days last year, by the SQL function analysts use.
        var yearToDate = (await YearOverYear.QueryAsync(dataSource, Pollutant.Pm25, new DateOnly(day.Year, 1, 1), day, cancellationToken))
            .Where(y => y.Level == "district").ToDictionary(y => y.AreaId, StringComparer.Ordinal);
        return [.. today.Select(r => new DistrictHeadline(
            r.DistrictId, r.Name, r.NameLocal, r.Sensors, r.Aggregated, r.Pm25Ugm3, r.Pm25Valid, r.Pm25Iaqi, r.Pm25Category, r.Aqi, r.AqiCategory, r.PrimaryPollutants ?? [],
            r.LimitUgm3, r.ExceedsLimit, yearToDate.GetValueOrDefault(r.DistrictId),
            [.. Enumerable.Range(0, ChartDays).Select(i => day.AddDays(i + 1 - ChartDays)).Select(d => recent.TryGetValue((r.DistrictId, d), out var x)
                ? new DailyBar(d, x.Pm25, x.Valid, x.Exceeds == true)
                : new DailyBar(d, null, false, false))]))];
    }

    static async Task<AttributionSection> AttributionAsync(NpgsqlConnection connection, string[] ids, DateOnly day, Dictionary<long, int> ranks, CancellationToken cancellationToken)
    {
        // "Has attribution run for the day" is about the day, not the team: a team whose episodes were all left
        // without candidates still has rows, and a day nobody attributed has none at all.
        var hasRun = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM episode_attributions WHERE day = @day)", new { day }, cancellationToken: cancellationToken));
        if (!hasRun)
        {
            return new AttributionSection(false, [], []);
        }

        // A source is on the list of the team that can go and inspect it: by the source's district, for every episode
        // of the day it was flagged for, wherever the episode's sensors were (a plume crosses district lines).
        var flags = await connection.QueryAsync<FlagRow>(new CommandDefinition("""
            SELECT f.flag_id, f.anomaly_id, f.rank::int AS rank, f.source_id, p.name, p.category, p.district_id, p.address, p.latitude, p.longitude,
                   f.probability::float8 AS probability, f.to_inspect, f.explanation, a.started_at, a.ended_at,
                   ARRAY(SELECT coalesce(d.name || coalesce(' ' || d.name_local, ''), x.id)
                         FROM unnest(a.district_ids) WITH ORDINALITY AS x(id, n) LEFT JOIN districts d ON d.district_id = x.id ORDER BY x.n) AS episode_districts
            FROM source_flags f
            JOIN anomalies a ON a.anomaly_id = f.anomaly_id
            JOIN pollution_sources p ON p.source_id = f.source_id
            WHERE a.day = @day AND p.district_id = ANY(@ids)
            ORDER BY f.probability DESC, a.severity DESC, f.rank, f.flag_id
            """, new { day, ids }, cancellationToken: cancellationToken));
        var verdicts = await connection.QueryAsync<(long AnomalyId, string Verdict, string Summary)>(new CommandDefinition("""
            SELECT e.anomaly_id, e.verdict, e.summary
            FROM episode_attributions e JOIN anomalies a ON a.anomaly_id = e.anomaly_id
            WHERE e.day = @day AND a.district_ids && @ids AND e.verdict IN ('unregistered_emitter', 'no_candidates')
            ORDER BY a.severity DESC, e.anomaly_id
            """, new { day, ids }, cancellationToken: cancellationToken));
        return new AttributionSection(true,
            [.. flags.Select(f => new ReportSourceFlag(f.FlagId, f.AnomalyId, ranks.GetValueOrDefault(f.AnomalyId), f.Rank, f.SourceId, f.Name, f.Category, f.DistrictId,
                f.Address, f.Latitude, f.Longitude, f.Probability, f.ToInspect, f.Explanation, f.StartedAt, f.EndedAt, f.EpisodeDistricts))],
            [.. verdicts.Select(v => new EpisodeVerdict(v.AnomalyId, ranks.GetValueOrDefault(v.AnomalyId), v.Verdict, v.Summary))]);
    }

    /// <summary>The team's sources (by the source's district) in <c>persistent_contributors</c> for the ISO week that contains <paramref name="day"/>.</summary>
    static async Task<WeeklyContributors> ContributorsAsync(NpgsqlConnection connection, string[] ids, DateOnly day, CancellationToken cancellationToken)
    {
        var weekStart = day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
        var rows = await connection.QueryAsync<PersistentContributor>(new CommandDefinition("""
            SELECT c.source_id AS sourceid, p.name, p.category, c.district_id AS districtid, p.address, c.episodes, c.episode_hours AS episodehours,
                   c.mean_plume_share::float8 AS meanplumeshare, c.previous_episodes AS previousepisodes, c.previous_episode_hours AS previousepisodehours
            FROM persistent_contributors c JOIN pollution_sources p USING (source_id)
            WHERE c.week_start = @weekStart AND c.district_id = ANY(@ids)
            ORDER BY c.episode_hours DESC, c.episodes DESC, c.source_id
            """, new { weekStart, ids }, cancellationToken: cancellationToken));
        return new WeeklyContributors(weekStart, [.. rows]);
    }

    static ReportAnomaly ToAnomaly(AnomalyRow r, int rank, Dictionary<string, string> sensorNames, Dictionary<string, NamedPlace> townships) =>
        new(r.AnomalyId, rank, r.Category, r.Kinds, r.Severity,
            [.. r.SensorIds.Select(id => new NamedPlace(id, sensorNames.GetValueOrDefault(id, id)))],
            [.. r.TownshipIds.Select(id => townships.GetValueOrDefault(id) ?? new NamedPlace(id, id))],
            r.DistrictIds, r.StartedAt, r.EndedAt, r.PeakUgm3, r.PeakSensorId, r.Detail);

    static DataHealth Health(
        IReadOnlyList<DistrictHeadline> districts, List<(string Id, string Name, string DistrictId, string TownshipId, int IntervalS, long Readings)> sensors,
        List<AnomalyRow> faults, int hours, DateTime from, DateTime to, Dictionary<string, NamedPlace> townships)
    {
        NamedPlace Township(string id) => townships.GetValueOrDefault(id) ?? new NamedPlace(id, id);
        var completeness = districts.Select(d =>
        {
            var mine = sensors.Where(s => s.DistrictId == d.DistrictId).ToList();
            long Expected(int intervalS) => hours * 3600L / intervalS;
            return new DistrictCompleteness(d.DistrictId, d.DisplayName, mine.Count, mine.Count(s => s.Readings > 0),
                mine.Sum(s => Math.Min(s.Readings, Expected(s.IntervalS))), mine.Sum(s => Expected(s.IntervalS)));
        }).ToList();
        var offline = sensors.Where(s => s.Readings == 0).OrderBy(s => s.DistrictId, StringComparer.Ordinal).ThenBy(s => s.Id, StringComparer.Ordinal)
            .Select(s => new SensorProblem(new NamedPlace(s.Id, s.Name), s.DistrictId, Township(s.TownshipId), [SensorProblem.Offline], from, to, "No readings all day."))
            .ToList();
        var names = sensors.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var faulty = faults.SelectMany(f => f.SensorIds.Select(id => (Fault: f, Id: id)))
            .Where(x => names.ContainsKey(x.Id) && !offline.Any(o => o.Sensor.Id == x.Id))
            .Select(x => new SensorProblem(new NamedPlace(x.Id, names[x.Id].Name), names[x.Id].DistrictId, Township(names[x.Id].TownshipId),
                x.Fault.Kinds, x.Fault.StartedAt, x.Fault.EndedAt, x.Fault.Detail))
            .OrderBy(p => p.Sensor.Id, StringComparer.Ordinal).ThenBy(p => p.Start).ToList();
        return new DataHealth(completeness, offline, faulty);
    }

    sealed class HeadlineRow
    {
        public string DistrictId { get; set; } = "";
        public string Name { get; set; } = "";
        public string? NameLocal { get; set; }
        public int Sensors { get; set; }
        public bool Aggregated { get; set; }
        public double? Pm25Ugm3 { get; set; }
        public bool Pm25Valid { get; set; }
        public int? Pm25Iaqi { get; set; }
        public string? Pm25Category { get; set; }
        public int? Aqi { get; set; }
        public string? AqiCategory { get; set; }
        public string[]? PrimaryPollutants { get; set; }
        public double? LimitUgm3 { get; set; }
        public bool? ExceedsLimit { get; set; }
    }

    sealed class AnomalyRow
    {
        public long AnomalyId { get; set; }
        public string Category { get; set; } = "";
        public string[] Kinds { get; set; } = [];
        public double Severity { get; set; }
        public string[] SensorIds { get; set; } = [];
        public string[] DistrictIds { get; set; } = [];
        public string[] TownshipIds { get; set; } = [];
        public DateTime StartedAt { get; set; }
        public DateTime EndedAt { get; set; }
        public double? PeakUgm3 { get; set; }
        public string? PeakSensorId { get; set; }
        public string Detail { get; set; } = "";
    }

    sealed class FlagRow
    {
        public long FlagId { get; set; }
        public long AnomalyId { get; set; }
        public int Rank { get; set; }
        public string SourceId { get; set; } = "";
        public string Name { get; set; } = "";
        public string Category { get; set; } = "";
        public string DistrictId { get; set; } = "";
        public string Address { get; set; } = "";
        public double Latitude { get; set; }
        public double Longitude { get; set; }
        public double Probability { get; set; }
        public bool ToInspect { get; set; }
        public string Explanation { get; set; } = "";
        public DateTime StartedAt { get; set; }
        public DateTime EndedAt { get; set; }
        public string[] EpisodeDistricts { get; set; } = [];
    }
}
