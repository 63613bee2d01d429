using AirQuality.Aggregation;
using AirQuality.Contracts;
using AirQuality.Storage;
using Dapper;
using Npgsql;

namespace AirQuality.Tests.Support;

/// <summary>
/// <see cref="SmallCity"/> made into something to report on: two teams (team-d1 covers Shapingba and the sensorless
/// D3, team-d2 covers Yubei), four days of readings and the same day last year, aggregated, with the day above the
/// 24-hour limit in D1; the day's anomalies and, optionally, attribution rows inserted directly.
/// </summary>
/// <remarks>
/// The flags (inspection threshold <see cref="InspectAtOrAbove"/>): P1 (Shapingba steel) in D1's episodes #1, #3 and #4,
/// to inspect, at most 72%; P2 (Shapingba construction) in #1 and #3, below the threshold; P3 (a Yubei plant) in #1, to
/// inspect, whose place is on the Yubei team's list.
/// </remarks>
public static class ReportCity
{
    public static readonly DateOnly Day = new(2026, 6, 30);
    public static readonly DateTimeOffset DayStart = new(Day.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8));
    public static readonly string[] TeamD1Recipients = ["shapingba.enforcement@airq.example.org", "duty.officer.with.a.remarkably.long.mailbox.name.for.night.shifts@shapingba.airq.example.org"];

    /// <summary>Ids of the rows inserted, for assertions.</summary>
    public sealed record Rows(long PlumeId, long NeighbourId, long OtherTeamId, long FaultId, long? TopFlagId, long? SecondFlagId, long EveningId, long NightId);

    /// <summary>The inspection threshold the flags' <c>to_inspect</c> was decided with.</summary>
    public const double InspectAtOrAbove = 0.3;

    public static async Task<Rows> CreateAsync(
        NpgsqlDataSource db, bool attribution = true, string sensorName = "Shapingba school micro 1", string townshipName = "Tianxingqiao",
        string sourceName = "Chongqing Special Steel No. 2 sinter plant")
    {
        await SmallCity.CreateAsync(db);
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            UPDATE townships SET name = @townshipName, name_local = '天星桥街道' WHERE township_id = 'T1';
            UPDATE townships SET name = 'Longxi', name_local = '龙溪街道' WHERE township_id = 'T2';
            UPDATE sensors SET name = @sensorName WHERE sensor_id = 'S1';
            UPDATE sensors SET name = 'Shapingba bus depot micro 2' WHERE sensor_id = 'S2';
            INSERT INTO enforcement_teams VALUES ('team-d1', 'Shapingba Environmental Enforcement Team', @recipients), ('team-d2', 'Yubei Environmental Enforcement Team', ARRAY['yubei@airq.example.org']);
            INSERT INTO enforcement_team_districts VALUES ('team-d1', 'D1'), ('team-d1', 'D3'), ('team-d2', 'D2');
            """, new { townshipName, sensorName, recipients = TeamD1Recipients });

        // Three ordinary days, then the report's day with D1 above the 24-hour limit (60 µg/m³ since 2026-03-01), and the same day last year; S5 is silent on the day.
        var readings = Readings(DayStart.AddDays(-3), DayStart, _ => 40, 1)
            .Concat(Readings(DayStart, DayStart.AddDays(1), district => district == "D1" ? 95 : 40, 2).Where(r => r.SensorId != "S5"))
            .Concat(Readings(DayStart.AddYears(-1), DayStart.AddYears(-1).AddDays(1), _ => 50, 3))
            .ToList();
        await new TimeSeriesWriter(new HourlyRollup()).WriteAsync(connection, readings, [], CancellationToken.None);
        await new Aggregator(db, new AggregationOptions().Validate(), TimeProvider.System).RunAsync(null, CancellationToken.None);

        var plume = await AnomalyAsync(connection, "pollution", ["exceedance_hourly", "spike"], 1.74, ["S1", "S2"], "D1", "T1", 10, 13, 200, "S2",
            "2 sensor(s) in T1 from 10:00 to 13:00; peak 200 µg/m³ at S2; S2 spiked to 200 µg/m³ against its 7-day median of 41.");
        var neighbour = await AnomalyAsync(connection, "pollution", ["above_neighbours"], 0.8, ["S1"], "D1", "T1", 15, 16, 92, "S1",
            "S1 read 92 µg/m³ while its 2 neighbours within 2 km had a median of 40.");
        var other = await AnomalyAsync(connection, "pollution", ["exceedance_hourly"], 3.0, ["S3"], "D2", "T2", 4, 9, 345, "S3", "Yubei's own episode.");
        var evening = await AnomalyAsync(connection, "pollution", ["exceedance_hourly"], 0.7, ["S1", "S2"], "D1", "T1", 18, 20, 130, "S1",
            "2 sensor(s) in T1 from 18:00 to 20:00; peak 130 µg/m³ at S1.");
        var night = await AnomalyAsync(connection, "pollution", ["spike"], 0.6, ["S2"], "D1", "T1", 21, 23, 118, "S2",
            "S2 spiked to 118 µg/m³ against its 7-day median of 41.");
        var fault = await AnomalyAsync(connection, "sensor_fault", ["flatline"], 5 / 24.0, ["S2"], "D1", "T1", 3, 8, null, null,
            "S2 sent the same PM2.5 value all hour, every hour from 03:00 to 08:00 (5 hours).");
        if (!attribution)
        {
            return new Rows(plume, neighbour, other, fault, null, null, evening, night);
        }

        await connection.ExecuteAsync("""
            INSERT INTO pollution_sources (source_id, name, category, district_id, township_id, address, latitude, longitude, stack_height_m, has_telemetry, estimated_pm25_emission_g_s)
            VALUES ('P1', @sourceName, 'steel', 'D1', 'T1', '18 Shuangbei Road, Tianxingqiao, Shapingba District, Chongqing', 29.57123, 106.44871, 80, true, 4.2),
                   ('P2', 'Line 27 Tianxingqiao station construction site', 'construction', 'D1', 'T1', '沙坪坝区天星桥正街 (Tianxingqiao Main Street) site gate 3', 29.56790, 106.45210, NULL, false, 0.8),
                   ('P3', 'Yubei Huixing cement grinding station', 'cement', 'D2', 'T2', '7 Huixing Road, Yubei District, Chongqing', 29.60210, 106.47120, 35, true, 2.1);
            INSERT INTO episode_attributions (anomaly_id, day, verdict, candidates, summary, model_version)
            VALUES (@plume, @day, 'registered_source', 4, 'P1 most likely, P2 possible.', 'test-1'),
                   (@neighbour, @day, 'unregistered_emitter', 3, 'Likely an unregistered emitter within 500 m of S1 (no registered source explains the hour).', 'test-1'),
                   (@other, @day, 'no_candidates', 0, 'No registered source near S3.', 'test-1'),
                   (@evening, @day, 'registered_source', 3, 'P1 most likely.', 'test-1'),
                   (@night, @day, 'registered_source', 2, 'P1 most likely.', 'test-1');
            """, new { sourceName, plume, neighbour, other, evening, night, day = Day });
        var top = await FlagAsync(connection, plume, 1, "P1", 0.72, "1.2 km upwind, wind 3 m/s towards the sensors, particulate at 3.4x its permitted limit from 02:00");
        await FlagAsync(connection, plume, 2, "P3", 0.41, "4.5 km north-east, wind 5 m/s towards the sensors, particulate at 1.8x its usual level from 08:00");
        var second = await FlagAsync(connection, plume, 3, "P2", 0.18, "0.6 km north-west, dust work started 09:30");
        await FlagAsync(connection, evening, 1, "P1", 0.64, "1.2 km upwind, particulate at 2.1x its permitted limit from 17:00");
        await FlagAsync(connection, evening, 2, "P2", 0.12, "0.6 km north-west, no dust work after 18:00");
        await FlagAsync(connection, night, 1, "P1", 0.46, "1.2 km upwind, wind 1 m/s");
        return new Rows(plume, neighbour, other, fault, top, second, evening, night);
    }

    /// <summary>Every sensor at its own interval, without gaps, PM2.5 within 10% of its district's level.</summary>
    static IEnumerable<SensorReading> Readings(DateTimeOffset from, DateTimeOffset to, Func<string, double> level, int seed)
    {
        var random = new Random(seed);
        foreach (var (id, district, interval) in SmallCity.Sensors)
        {
            for (var t = from.AddSeconds(interval); t <= to; t = t.AddSeconds(interval))
            {
                yield return new SensorReading(id, t, Math.Round(level(district) * (0.9 + 0.2 * random.NextDouble()), 1));
            }
        }
    }

    static Task<long> AnomalyAsync(NpgsqlConnection connection, string category, string[] kinds, double severity, string[] sensors, string district, string township,
        int fromHour, int toHour, double? peak, string? peakSensor, string detail) =>
        connection.ExecuteScalarAsync<long>("""
            INSERT INTO anomalies (day, category, kinds, severity, sensor_ids, district_ids, township_ids, started_at, ended_at, peak_ugm3, peak_sensor_id, detail)
            VALUES (@day, @category, @kinds, @severity, @sensors, @districts, @townships, @start, @end, @peak, @peakSensor, @detail)
            RETURNING anomaly_id
            """, new
        {
            day = Day, category, kinds, severity = (float)severity, sensors, districts = new[] { district }, townships = new[] { township },
            start = DayStart.AddHours(fromHour).UtcDateTime, end = DayStart.AddHours(toHour).UtcDateTime, peak = (float?)peak, peakSensor, detail,
        });

    static Task<long> FlagAsync(NpgsqlConnection connection, long anomaly, int rank, string source, double probability, string explanation) =>
        connection.ExecuteScalarAsync<long>("""
            INSERT INTO source_flags (anomaly_id, day, rank, source_id, probability, to_inspect, explanation, features, model_version)
            VALUES (@anomaly, @day, @rank, @source, @probability, @toInspect, @explanation, '{}'::jsonb, 'test-1')
            RETURNING flag_id
            """, new { anomaly, day = Day, rank = (short)rank, source, probability = (float)probability, toInspect = probability >= InspectAtOrAbove, explanation });
}
