using AirQuality.Contracts;
using Dapper;
using Npgsql;

namespace AirQuality.Tests.Support;

/// <summary>
/// A registry small enough to reason about: three districts (one without sensors) and five sensors reporting every
/// minute, every five minutes and hourly, and random readings for it with gaps, missing pollutants and spikes.
/// </summary>
public static class SmallCity
{
    public static readonly (string Id, string District, int IntervalS)[] Sensors =
    [
        ("S1", "D1", 300),
        ("S2", "D1", 60),
        ("S3", "D2", 3600),
        ("S4", "D2", 300),
        ("S5", "D1", 300),
    ];

    public static async Task CreateAsync(NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO districts VALUES ('D1', 'Shapingba', '沙坪坝区', 29.54, 106.45), ('D2', 'Yubei', '渝北区', 29.72, 106.63), ('D3', 'Empty', NULL, 29.6, 106.5);
            INSERT INTO townships VALUES ('T1', 'D1', 'One', NULL), ('T2', 'D2', 'Two', NULL);
            """);
        foreach (var (id, district, interval) in Sensors)
        {
            await connection.ExecuteAsync(
                "INSERT INTO sensors VALUES (@id, @id, @district, @township, 29.6, 106.5, 'micro_sensor', @interval)",
                new { id, district, township = district == "D1" ? "T1" : "T2", interval });
        }
    }

    /// <summary>
    /// Readings for every sensor from <paramref name="from"/> to <paramref name="to"/> (UTC), each sensor at its own
    /// interval, with whole hours and single readings missing, one sensor silent, absent pollutants, and O3 spikes.
    /// </summary>
    public static List<SensorReading> Readings(DateTimeOffset from, DateTimeOffset to, int seed)
    {
        var random = new Random(seed);
        var readings = new List<SensorReading>();
        foreach (var (id, _, interval) in Sensors.Where(s => s.Id != "S5" || seed % 2 == 0))
        {
            var dropHourChance = random.NextDouble() * 0.25;
            var dropReadingChance = random.NextDouble() * 0.2;
            var skippedHour = long.MinValue;
            for (var t = from.AddSeconds(interval); t <= to; t = t.AddSeconds(interval))
            {
                var hour = (t.ToUnixTimeSeconds() - 1) / 3600;
                if (hour != skippedHour && random.NextDouble() < dropHourChance / (3600 / interval))
                {
                    skippedHour = hour; // a gap of a whole hour
                }

                if (hour == skippedHour || random.NextDouble() < dropReadingChance)
                {
                    continue;
                }

                double V(double mean) => Math.Round(mean * (0.5 + random.NextDouble()), 1);
                readings.Add(new SensorReading(id, t, V(45),
                    Pm10: random.NextDouble() < 0.9 ? V(80) : null,
                    No2: interval >= 300 ? V(35) : null,
                    So2: id == "S3" ? V(10) : null,
                    O3: id is "S3" or "S4" ? V(t.Hour is >= 2 and <= 10 ? 1000 : 120) : null, // (local) midday spikes over 800
                    Co: id == "S3" ? Math.Round(0.4 + random.NextDouble(), 2) : null));
            }
        }

        return readings;
    }
}
