using AirQuality.EnforcementConsole;
using Dapper;
using Npgsql;

namespace AirQuality.Cli.Commands;

/// <summary>
/// The data <c>airq bench console</c> times the today page on: the shipped registry, one district filled up to the
/// given number of sensors, and for each of the last days its sensors' daily and hourly means, attributed episodes with
/// flags, and the district lead's dispatches and the officers' findings on all but the latest day.
/// </summary>
static class ConsoleBenchCity
{
    public const string District = "yuzhong";
    public const string Team = "team-yuzhong";
    public const string Lead = "bench.lead";
    public const int EpisodesPerDay = 4;
    public const int SensorsPerEpisode = 5;

    /// <summary>Fills the scratch database; returns the latest day (the one the today page shows).</summary>
    public static async Task<DateOnly> CreateAsync(NpgsqlDataSource db, int sensors, int days, string password, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        var latest = new DateOnly(2026, 11, 30);
        var first = latest.AddDays(-(days - 1));
        await using var connection = await db.OpenConnectionAsync(cancellationToken);

        // Sensors: the district's own, then new micro sensors scattered over its extent until there are enough.
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO sensors (sensor_id, name, district_id, township_id, latitude, longitude, kind, reporting_interval_s)
            SELECT 'B' || lpad(n::text, 4, '0'), 'Bench sensor ' || n, @District,
                   (SELECT min(township_id) FROM townships WHERE district_id = @District),
                   e.lat0 + (e.lat1 - e.lat0) * ((n * 0.618034) % 1), e.lon0 + (e.lon1 - e.lon0) * ((n * 0.414214) % 1), 'micro_sensor', 60
            FROM (SELECT min(latitude) AS lat0, max(latitude) AS lat1, min(longitude) AS lon0, max(longitude) AS lon1 FROM sensors WHERE district_id = @District) e,
                 generate_series(1, greatest(0, @sensors - (SELECT count(*) FROM sensors WHERE district_id = @District))::int) AS n
            """, new { District, sensors }, cancellationToken: cancellationToken));
        var ids = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT sensor_id FROM sensors WHERE district_id = @District ORDER BY sensor_id", new { District }, cancellationToken: cancellationToken))).AsList();
        if (ids.Count != sensors)
        {
            throw new InvalidOperationException($"The district {District} has {ids.Count} sensors, more than --sensors {sensors}: ask for at least {ids.Count}.");
        }

        var sources = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT source_id FROM pollution_sources WHERE district_id = @District ORDER BY source_id", new { District }, cancellationToken: cancellationToken))).AsList();

        // Daily means for every day, hourly means for the days and the usual-level window before them.
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO sensor_daily (sensor_id, day, district_id, pm25_ugm3, pm25_valid_hours, pm25_valid, pm10_valid_hours, pm10_valid,
                no2_valid_hours, no2_valid, so2_valid_hours, so2_valid, co_valid_hours, co_valid, o3_valid_hours, o3_valid,
                o3_8h_valid_windows, o3_8h_valid, expected_readings, pm25_readings, pm25_iaqi, pm25_limit_ugm3, standard_version)
            SELECT s.sensor_id, d::date, s.district_id, 30 + (abs(hashtext(s.sensor_id || d::date)) % 120), 24, true, 0, false, 0, false, 0, false,
                0, false, 0, false, 0, false, 1440, 1440, 40 + (abs(hashtext(s.sensor_id || d::date)) % 160), 75, (SELECT min(standard_version) FROM aq_standards)
            FROM sensors s, generate_series(@first::date, @latest::date, interval '1 day') AS d
            WHERE s.district_id = @District
            """, new { District, first, latest }, cancellationToken: cancellationToken));
        var hoursFrom = TimeZoneInfo.ConvertTimeToUtc(first.AddDays(-new ConsoleOptions().UsualDays).ToDateTime(TimeOnly.MinValue), zone);
        var hoursTo = TimeZoneInfo.ConvertTimeToUtc(latest.AddDays(1).ToDateTime(TimeOnly.MinValue), zone);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO sensor_hourly (sensor_id, hour_start, pm25_sum, pm25_readings)
            SELECT s.sensor_id, h, (25 + 15 * sin(extract(hour FROM h) / 24 * 2 * pi()) + abs(hashtext(s.sensor_id || h::text)) % 20) * 60, 60
            FROM sensors s, generate_series(@hoursFrom, @hoursTo - interval '1 hour', interval '1 hour') AS h
            WHERE s.district_id = @District
            """, new { District, hoursFrom, hoursTo }, commandTimeout: 600, cancellationToken: cancellationToken));

        // The district's sources with telemetry report every minute, every day.
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO source_telemetry (source_id, observed_at, particulate_mgm3, operating_status)
            SELECT p.source_id, t, 8 + abs(hashtext(p.source_id || t::text)) % 10, 'running'
            FROM pollution_sources p, generate_series(@from, @hoursTo - interval '1 minute', interval '1 minute') AS t
            WHERE p.district_id = @District AND p.has_telemetry
            """, new { District, from = TimeZoneInfo.ConvertTimeToUtc(first.ToDateTime(TimeOnly.MinValue), zone), hoursTo }, commandTimeout: 600, cancellationToken: cancellationToken));

        // The team: its lead and five officers.
        var officers = Enumerable.Range(1, 5).Select(i => $"bench.officer{i}").ToList();
        await ConsoleUserStore.AddOrUpdateAsync(db, Lead, ConsoleRoles.DistrictLead, Team, password, cancellationToken);
        foreach (var officer in officers)
        {
            await ConsoleUserStore.AddOrUpdateAsync(db, officer, ConsoleRoles.TownshipOfficer, Team, password, cancellationToken);
        }

        var users = (await connection.QueryAsync<(string Name, long Id)>(new CommandDefinition(
            "SELECT name, user_id FROM console_users WHERE team_id = @Team", new { Team }, cancellationToken: cancellationToken))).ToDictionary(u => u.Name, u => u.Id);

        // Each day: episodes of a few neighbouring sensors, attributed, with three flags each (two to inspect).
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var random = new Random(23);
        for (var day = first; day <= latest; day = day.AddDays(1))
        {
            var dayStart = TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue), zone);
            for (var e = 0; e < EpisodesPerDay; e++)
            {
                var start = random.Next(ids.Count - SensorsPerEpisode);
                var episodeSensors = ids.GetRange(start, SensorsPerEpisode).ToArray();
                var startedAt = dayStart.AddHours(random.Next(0, 20));
                var anomaly = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
                    INSERT INTO anomalies (day, category, kinds, severity, sensor_ids, district_ids, township_ids, started_at, ended_at, peak_ugm3, detail)
                    VALUES (@day, 'pollution', '{spike}', 2.0, @episodeSensors, ARRAY[@District], ARRAY[]::text[], @startedAt, @endedAt, 150, 'bench episode')
                    RETURNING anomaly_id
                    """, new { day, episodeSensors, District, startedAt, endedAt = startedAt.AddHours(3) }, transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition("""
                    INSERT INTO episode_attributions (anomaly_id, day, verdict, candidates, summary, model_version)
                    VALUES (@anomaly, @day, 'registered_source', 3, 'bench', 'bench')
                    """, new { anomaly, day }, transaction, cancellationToken: cancellationToken));
                for (var rank = 1; rank <= 3; rank++)
                {
                    var source = sources[random.Next(sources.Count)];
                    var flag = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("""
                        INSERT INTO source_flags (anomaly_id, day, rank, source_id, probability, explanation, features, model_version, to_inspect)
                        VALUES (@anomaly, @day, @rank, @source, @probability, 'bench: 0.8 km upwind, wind 2 m/s towards the sensors', '{}', 'bench', @toInspect)
                        ON CONFLICT DO NOTHING RETURNING flag_id
                        """, new { anomaly, day, rank = (short)rank, source, probability = (float)(0.9 - rank * 0.2), toInspect = rank <= 2 }, transaction, cancellationToken: cancellationToken));
                    if (flag is not { } flagId || rank > 2 || day == latest)
                    {
                        continue;
                    }

                    // Earlier days' flags to inspect: dispatched, acknowledged, found and resolved; a few still open.
                    var officer = users[officers[random.Next(officers.Count)]];
                    var dispatched = dayStart.AddHours(9 + random.NextDouble() * 4);
                    var done = random.NextDouble() < 0.85;
                    var dispatch = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
                        INSERT INTO flag_dispatches (flag_id, source_id, team_id, flag_day, flagged_at, assigned_user_id, dispatched_by, dispatched_at,
                            acknowledged_by, acknowledged_at, resolved_by, resolved_at)
                        VALUES (@flagId, @source, @Team, @day, @flagged, @officer, @lead, @dispatched,
                            CASE WHEN @done THEN @officer END, CASE WHEN @done THEN @dispatched + interval '1 hour' END,
                            CASE WHEN @done THEN @lead END, CASE WHEN @done THEN @dispatched + interval '1 day' END)
                        RETURNING dispatch_id
                        """, new { flagId, source, Team, day, flagged = dayStart.AddHours(7), officer, lead = users[Lead], dispatched, done }, transaction, cancellationToken: cancellationToken));
                    if (done)
                    {
                        await connection.ExecuteAsync(new CommandDefinition("""
                            INSERT INTO flag_findings (dispatch_id, finding, notes, recorded_by, recorded_at)
                            VALUES (@dispatch, @finding, 'bench finding', @officer, @at)
                            """, new { dispatch, finding = Findings.All[random.Next(Findings.All.Count)], officer, at = dispatched.AddHours(3) }, transaction, cancellationToken: cancellationToken));
                    }
                }
            }
        }

        await transaction.CommitAsync(cancellationToken);
        await using var analyze = new NpgsqlCommand("ANALYZE", connection);
        await analyze.ExecuteNonQueryAsync(cancellationToken);
        return latest;
    }
}
