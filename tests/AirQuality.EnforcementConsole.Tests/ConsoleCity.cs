using AirQuality.Storage.Registry;
using AirQuality.Tests.Support;
using Dapper;
using Npgsql;

namespace AirQuality.EnforcementConsole.Tests;

/// <summary>
/// The shipped registry with one attributed day: Yuzhong has two sources to inspect (one flagged for two episodes)
/// and one flag below the inspection threshold; Jiangbei has one source to inspect. Users: a Yuzhong district member,
/// a Jiangbei district member and a city supervisor, each with <see cref="Password"/>.
/// </summary>
public static class ConsoleCity
{
    public const string Password = "correct horse battery";
    public static readonly DateOnly Day = new(2026, 11, 30);

    public sealed record Rows(string YuzhongSource1, string YuzhongSource2, string YuzhongAlsoNear, string JiangbeiSource);

    public static async Task<Rows> CreateAsync(NpgsqlDataSource db)
    {
        await new RegistryStore(db).UpsertAsync(TestRegistry.Shipped(), CancellationToken.None);
        await using var connection = await db.OpenConnectionAsync();
        var yuzhong = (await connection.QueryAsync<string>("SELECT source_id FROM pollution_sources WHERE district_id = 'yuzhong' ORDER BY source_id LIMIT 3")).ToList();
        var jiangbei = await connection.QueryFirstAsync<string>("SELECT source_id FROM pollution_sources WHERE district_id = 'jiangbei' ORDER BY source_id");
        var rows = new Rows(yuzhong[0], yuzhong[1], yuzhong[2], jiangbei);

        var yuzhongEpisode1 = await EpisodeAsync(connection, "yuzhong");
        var yuzhongEpisode2 = await EpisodeAsync(connection, "yuzhong");
        var jiangbeiEpisode = await EpisodeAsync(connection, "jiangbei");
        await FlagAsync(connection, yuzhongEpisode1, 1, rows.YuzhongSource1, 0.81, true, "1.2 km upwind, wind 3 m/s towards the sensors");
        await FlagAsync(connection, yuzhongEpisode1, 2, rows.YuzhongAlsoNear, 0.12, false, "also near, below the threshold");
        await FlagAsync(connection, yuzhongEpisode2, 1, rows.YuzhongSource1, 0.64, true, "particulate at 3.4x its permitted limit from 02:00");
        await FlagAsync(connection, yuzhongEpisode2, 2, rows.YuzhongSource2, 0.55, true, "0.4 km upwind, construction dust");
        await FlagAsync(connection, jiangbeiEpisode, 1, rows.JiangbeiSource, 0.77, true, "jiangbei-only explanation");

        // Yuzhong's sensors: alternately good and heavily polluted days (PM2.5 IAQI 75 and 250).
        await connection.ExecuteAsync("""
            INSERT INTO sensor_daily (sensor_id, day, district_id, pm25_ugm3, pm25_valid_hours, pm25_valid, pm10_valid_hours, pm10_valid,
                no2_valid_hours, no2_valid, so2_valid_hours, so2_valid, co_valid_hours, co_valid, o3_valid_hours, o3_valid,
                o3_8h_valid_windows, o3_8h_valid, expected_readings, pm25_readings, pm25_iaqi, pm25_limit_ugm3, standard_version)
            SELECT s.sensor_id, @day, s.district_id, CASE WHEN n % 2 = 0 THEN 55 ELSE 200 END, 24, true, 0, false, 0, false, 0, false,
                0, false, 0, false, 0, false, 24, 24, CASE WHEN n % 2 = 0 THEN 75 ELSE 250 END, 75, (SELECT min(standard_version) FROM aq_standards)
            FROM (SELECT sensor_id, district_id, row_number() OVER (ORDER BY sensor_id) AS n FROM sensors WHERE district_id IN ('yuzhong', 'jiangbei')) s
            """, new { day = Day });

        foreach (var (name, role, team) in new[] { ("yu.member", ConsoleRoles.DistrictMember, "team-yuzhong"), ("jb.member", ConsoleRoles.DistrictMember, "team-jiangbei"), ("city.sup", ConsoleRoles.CitySupervisor, (string?)null) })
        {
            await ConsoleUserStore.AddOrUpdateAsync(db, name, role, team, Password, CancellationToken.None);
        }

        return rows;
    }

    /// <summary>
    /// The workflow's people, each with <see cref="Password"/>: Yuzhong's lead and two township officers, Jiangbei's
    /// lead and officer, and an analyst.
    /// </summary>
    public static async Task AddWorkflowUsersAsync(NpgsqlDataSource db)
    {
        foreach (var (name, role, team) in new[]
        {
            ("yu.lead", ConsoleRoles.DistrictLead, "team-yuzhong"), ("yu.officer", ConsoleRoles.TownshipOfficer, "team-yuzhong"),
            ("yu.officer2", ConsoleRoles.TownshipOfficer, "team-yuzhong"), ("jb.lead", ConsoleRoles.DistrictLead, "team-jiangbei"),
            ("jb.officer", ConsoleRoles.TownshipOfficer, "team-jiangbei"), ("an.alyst", ConsoleRoles.Analyst, (string?)null),
        })
        {
            await ConsoleUserStore.AddOrUpdateAsync(db, name, role, team, Password, CancellationToken.None);
        }
    }

    /// <summary>
    /// Gives Yuzhong's first episode three sensors, 14 days of hourly means before the day and the day itself, and its
    /// flagged source (P001, which has telemetry) a day of telemetry.
    /// </summary>
    public static async Task<(long Episode, string[] Sensors)> AddEpisodeHistoryAsync(NpgsqlDataSource db, Rows rows)
    {
        await using var connection = await db.OpenConnectionAsync();
        var episode = await connection.QueryFirstAsync<long>("SELECT anomaly_id FROM source_flags WHERE source_id = @s ORDER BY probability DESC", new { s = rows.YuzhongSource1 });
        var sensors = (await connection.QueryAsync<string>("SELECT sensor_id FROM sensors WHERE district_id = 'yuzhong' ORDER BY sensor_id LIMIT 3")).ToArray();
        await connection.ExecuteAsync("UPDATE anomalies SET sensor_ids = @sensors WHERE anomaly_id = @episode", new { sensors, episode });
        var dayStart = TimeZoneInfo.ConvertTimeToUtc(Day.ToDateTime(TimeOnly.MinValue), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));
        var hours = new List<(string Sensor, DateTime Hour, double Value)>();
        for (var i = 0; i < sensors.Length; i++)
        {
            for (var h = 0; h < 24; h++)
            {
                for (var d = 1; d <= 14; d++)
                {
                    hours.Add((sensors[i], dayStart.AddDays(-d).AddHours(h), 20 + d + h + i));
                }

                hours.Add((sensors[i], dayStart.AddHours(h), (h is >= 8 and < 11 ? 150 : 40 + h) + i));
            }
        }

        // Readings at the sensor's interval fill the hour; hour 5 of the second sensor has none (no mean, not valid).
        await connection.ExecuteAsync("""
            INSERT INTO sensor_hourly (sensor_id, hour_start, pm25_sum, pm25_readings)
            SELECT t.sensor_id, t.hour, t.value * n.readings, n.readings
            FROM unnest(@sensor, @hour, @value) AS t(sensor_id, hour, value)
            JOIN sensors s USING (sensor_id)
            CROSS JOIN LATERAL (SELECT CASE WHEN t.sensor_id = @second AND t.hour = @invalid THEN 0 ELSE 3600 / s.reporting_interval_s END AS readings) n
            """, new
        {
            sensor = hours.Select(x => x.Sensor).ToArray(), hour = hours.Select(x => x.Hour).ToArray(), value = hours.Select(x => x.Value).ToArray(),
            second = sensors[1], invalid = dayStart.AddHours(5),
        });
        // Telemetry every 15 minutes: 10 mg/m³, 90 from 08:00 to 11:00 local.
        await connection.ExecuteAsync("""
            INSERT INTO source_telemetry (source_id, observed_at, particulate_mgm3, operating_status)
            SELECT @source, t, CASE WHEN t >= @from + interval '8 hours' AND t < @from + interval '11 hours' THEN 90 ELSE 10 END, 'running'
            FROM generate_series(@from, @from + interval '23 hours 45 minutes', interval '15 minutes') AS t
            """, new { source = rows.YuzhongSource1, from = dayStart });
        return (episode, sensors);
    }

    /// <summary>The flag id of <paramref name="sourceId"/>'s most probable flag.</summary>
    public static async Task<long> FlagIdAsync(NpgsqlDataSource db, string sourceId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QueryFirstAsync<long>("SELECT flag_id FROM source_flags WHERE source_id = @sourceId ORDER BY probability DESC", new { sourceId });
    }

    static Task<long> EpisodeAsync(NpgsqlConnection connection, string district) => connection.ExecuteScalarAsync<long>("""
        WITH a AS (
            INSERT INTO anomalies (day, category, kinds, severity, sensor_ids, district_ids, township_ids, started_at, ended_at, peak_ugm3, detail)
            SELECT @day, 'pollution', '{spike}', 2.5, ARRAY[min(sensor_id)], ARRAY[@district], ARRAY[min(township_id)],
                   @day::timestamp AT TIME ZONE 'UTC', (@day::timestamp + interval '3 hours') AT TIME ZONE 'UTC', 180, 'test episode'
            FROM sensors WHERE district_id = @district
            RETURNING anomaly_id)
        INSERT INTO episode_attributions (anomaly_id, day, verdict, candidates, summary, model_version)
        SELECT anomaly_id, @day, 'registered_source', 3, 'test', 'test' FROM a RETURNING anomaly_id
        """, new { day = Day, district });

    static Task<int> FlagAsync(NpgsqlConnection connection, long anomalyId, int rank, string sourceId, double probability, bool toInspect, string explanation) =>
        connection.ExecuteAsync("""
            INSERT INTO source_flags (anomaly_id, day, rank, source_id, probability, explanation, features, model_version, to_inspect)
            VALUES (@anomalyId, @day, @rank, @sourceId, @probability, @explanation, '{}', 'test', @toInspect)
            """, new { anomalyId, day = Day, rank = (short)rank, sourceId, probability = (float)probability, explanation, toInspect });
}
