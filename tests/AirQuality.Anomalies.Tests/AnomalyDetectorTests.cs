using AirQuality.Aggregation;
using AirQuality.Anomalies;
using AirQuality.Contracts;
using AirQuality.Storage;
using AirQuality.Tests.Support;
using Dapper;
using Xunit;

namespace AirQuality.Anomalies.Tests;

public sealed partial class AnomalyDetectorTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    static readonly TimeSpan Cst = TimeSpan.FromHours(8);
    static readonly DateOnly Day = new(2025, 6, 30);

    [Fact]
    public async Task A_plume_over_two_neighbours_is_one_episode_and_faults_stay_apart_from_pollution()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await SmallCity.CreateAsync(db);
        await using (var connection = await db.OpenConnectionAsync())
        {
            // S1, S2 and S3 within 500 m of S1 (within NeighbourRadiusKm); S4 and S5 far away.
            await connection.ExecuteAsync("""
                UPDATE sensors SET latitude = v.lat, longitude = v.lon
                FROM (VALUES ('S1', 29.600, 106.500), ('S2', 29.604, 106.500), ('S3', 29.600, 106.505), ('S4', 29.750, 106.650), ('S5', 29.800, 106.700)) AS v(id, lat, lon)
                WHERE sensor_id = v.id
                """);
        }

        var random = new Random(3);
        var readings = new List<SensorReading>();
        var first = new DateTimeOffset(Day.AddDays(-7).ToDateTime(TimeOnly.MinValue), Cst);
        var dayStart = new DateTimeOffset(Day.ToDateTime(TimeOnly.MinValue), Cst);
        foreach (var (id, _, interval) in SmallCity.Sensors)
        {
            for (var t = first.AddSeconds(interval); t <= dayStart.AddDays(1); t = t.AddSeconds(interval))
            {
                var localHour = (t - dayStart).TotalHours;
                var today = t > dayStart;
                if (id == "S5" && today && localHour > 14 && localHour <= 20)
                {
                    continue; // silent from 14:00 to 20:00
                }

                var value = Math.Round(40 + 10 * (random.NextDouble() - 0.5), 1);
                if (id is "S1" or "S2" && today && localHour > 10 && localHour <= 13)
                {
                    value = Math.Round(200 + 10 * (random.NextDouble() - 0.5), 1); // a plume from 10:00 to 13:00
                }

                if (id == "S4" && today && localHour > 3 && localHour <= 8)
                {
                    value = 300; // stuck at a high value from 03:00 to 08:00: a fault, not pollution
                }

                readings.Add(new SensorReading(id, t, value));
            }
        }

        await using (var connection = await db.OpenConnectionAsync())
        {
            var writer = new TimeSeriesWriter(new HourlyRollup());
            foreach (var batch in readings.Chunk(5000))
            {
                await writer.WriteAsync(connection, batch, [], CancellationToken.None);
            }
        }

        var aggregation = new AggregationOptions().Validate();
        await new Aggregator(db, aggregation, TimeProvider.System).RunAsync(null, CancellationToken.None);
        var detector = new AnomalyDetector(db, new AnomalyOptions().Validate(), aggregation);
        await detector.RunAsync(Day, CancellationToken.None);
        await detector.RunAsync(Day, CancellationToken.None); // a second run replaces the day's rows

        var anomalies = await AnomalyDetector.LoadAsync(db, Day, CancellationToken.None);
        var episode = Assert.Single(anomalies, a => a.Category == Anomaly.Pollution);
        Assert.Equal(["S1", "S2"], episode.SensorIds);
        Assert.Contains(AnomalyKinds.HourlyExceedance, episode.Kinds);
        Assert.Contains(AnomalyKinds.Spike, episode.Kinds);
        Assert.Equal(dayStart.AddHours(10).UtcDateTime, episode.Start);
        Assert.Equal(dayStart.AddHours(13).UtcDateTime, episode.End);
        Assert.InRange(episode.PeakUgm3!.Value, 195, 205);
        Assert.Contains("S1 rose to", episode.Detail, StringComparison.Ordinal);
        Assert.Contains("against its usual", episode.Detail, StringComparison.Ordinal);

        var faults = anomalies.Where(a => a.Category == Anomaly.SensorFault).OrderBy(a => a.SensorIds[0]).ToList();
        Assert.Equal(2, faults.Count);
        Assert.Equal(("S4", AnomalyKinds.Flatline, dayStart.AddHours(3).UtcDateTime, dayStart.AddHours(8).UtcDateTime),
            (Assert.Single(faults[0].SensorIds), Assert.Single(faults[0].Kinds), faults[0].Start, faults[0].End));
        Assert.Equal(("S5", AnomalyKinds.MissingData, dayStart.AddHours(14).UtcDateTime, dayStart.AddHours(20).UtcDateTime),
            (Assert.Single(faults[1].SensorIds), Assert.Single(faults[1].Kinds), faults[1].Start, faults[1].End));
    }

    [Fact]
    public async Task A_quiet_day_has_no_anomalies()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await SmallCity.CreateAsync(db);
        var readings = SmallCity.Readings(new DateTimeOffset(Day.AddDays(-7).ToDateTime(TimeOnly.MinValue), Cst), new DateTimeOffset(Day.AddDays(1).ToDateTime(TimeOnly.MinValue), Cst), 2)
            .Select(r => r with { Pm25 = 30 + (r.Pm25 ?? 0) % 10 }).ToList();
        await using (var connection = await db.OpenConnectionAsync())
        {
            await new TimeSeriesWriter(new HourlyRollup()).WriteAsync(connection, readings, [], CancellationToken.None);
        }

        var aggregation = new AggregationOptions().Validate();
        var found = await new AnomalyDetector(db, new AnomalyOptions { MissingHours = 24 }.Validate(), aggregation).DetectAsync(Day, CancellationToken.None);

        Assert.DoesNotContain(found, a => a.Category == Anomaly.Pollution);
    }

    [Fact]
    public async Task A_site_that_raises_a_sensor_every_weekday_at_the_same_hours_is_its_usual_not_an_episode()
    {
        // S1 stands beside a site that adds 40 µg/m³ from 08:00 to 10:00 every weekday, the day (a Monday) as well.
        var db = await StoreAsync((id, local) => id == "S1" && local.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && local.TimeOfDay > TimeSpan.FromHours(8) && local.TimeOfDay <= TimeSpan.FromHours(10) ? 40 : 0);
        await using var _ = db;

        var found = await Detect(db);

        Assert.DoesNotContain(found, a => a.Category == Anomaly.Pollution);
    }

    [Fact]
    public async Task A_one_hour_incident_adding_20_is_an_episode_in_15_minute_means()
    {
        // 14:15 to 15:15: neither hourly mean rises by more than 15 µg/m³, every 15-minute mean of that hour by 20.
        var db = await StoreAsync((id, local) => id == "S1" && DateOnly.FromDateTime(local.DateTime) == Day && local.TimeOfDay > new TimeSpan(14, 15, 0) && local.TimeOfDay <= new TimeSpan(15, 15, 0) ? 20 : 0);
        await using var _ = db;

        var found = await Detect(db);

        var episode = Assert.Single(found, a => a.Category == Anomaly.Pollution);
        Assert.Equal(["S1"], episode.SensorIds);
        Assert.Equal([AnomalyKinds.Spike], episode.Kinds);
        var dayStart = new DateTimeOffset(Day.ToDateTime(TimeOnly.MinValue), Cst);
        Assert.Equal((dayStart.AddHours(14.25).UtcDateTime, dayStart.AddHours(15.25).UtcDateTime), (episode.Start, episode.End));
        Assert.InRange(episode.PeakUgm3!.Value, 55, 67);
        // There is no wind in these readings: the usual level says so, and how many days it was learnt from.
        Assert.Matches(@"S1 rose to \d+ µg/m³ against its usual (3[5-9]|4[0-5]) µg/m³ at this hour on weekdays over 5 days \(noise ±\d\.\d µg/m³\)", episode.Detail);
    }

    /// <summary>A week and the day of 40 ± 5 µg/m³ at every sensor (SmallCity's intervals), plus <paramref name="extra"/>(sensor, local time).</summary>
    async Task<Npgsql.NpgsqlDataSource> StoreAsync(Func<string, DateTimeOffset, double> extra)
    {
        var db = await postgres.NewDatabaseAsync();
        await SmallCity.CreateAsync(db);
        var random = new Random(5);
        var readings = new List<SensorReading>();
        var first = new DateTimeOffset(Day.AddDays(-7).ToDateTime(TimeOnly.MinValue), Cst);
        var end = new DateTimeOffset(Day.AddDays(1).ToDateTime(TimeOnly.MinValue), Cst);
        foreach (var (id, _, interval) in SmallCity.Sensors)
        {
            for (var t = first.AddSeconds(interval); t <= end; t = t.AddSeconds(interval))
            {
                readings.Add(new SensorReading(id, t, Math.Round(40 + 10 * (random.NextDouble() - 0.5) + extra(id, t), 1)));
            }
        }

        await using var connection = await db.OpenConnectionAsync();
        var writer = new TimeSeriesWriter(new HourlyRollup());
        foreach (var batch in readings.Chunk(5000))
        {
            await writer.WriteAsync(connection, batch, [], CancellationToken.None);
        }

        return db;
    }

    static async Task<IReadOnlyList<Anomaly>> Detect(Npgsql.NpgsqlDataSource db)
    {
        var aggregation = new AggregationOptions().Validate();
        await new Aggregator(db, aggregation, TimeProvider.System).RunAsync(null, CancellationToken.None);
        return await new AnomalyDetector(db, new AnomalyOptions().Validate(), aggregation).DetectAsync(Day, CancellationToken.None);
    }
}
