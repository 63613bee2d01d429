using AirQuality.Contracts;
using AirQuality.Storage;
using AirQuality.Tests.Support;
using Dapper;
using Xunit;

namespace AirQuality.Aggregation.Tests;

/// <summary>
/// The usual level the e-mail's and the console's episode charts both draw: stored through the real writer on a private
/// cluster, read back by <see cref="UsualHourlyLevels"/>, against medians the test takes itself from the hours it built.
/// </summary>
public sealed class UsualHourlyLevelsTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    static readonly DateOnly Day = new(2026, 5, 20);

    /// <summary>S1's hourly mean on the local day <paramref name="daysBefore"/> before <see cref="Day"/> at local hour <paramref name="clock"/>; null: no reading.</summary>
    static double? Pm25(int daysBefore, int clock) => (daysBefore, clock) switch
    {
        // At 03:00 only two earlier days have a valid hour: fewer than three, no usual level.
        (> 2, 3) => null,
        // Fifteen days before is outside the 14 days: its 900 µg/m³ at 08:00 must not move the median.
        (15, 8) => 900,
        (0, 8) => 150,
        _ => 20 + clock + 3 * (daysBefore % 5),
    };

    [Fact]
    public async Task The_usual_level_is_the_median_at_that_local_hour_over_the_days_before_with_at_least_three_of_them()
    {
        await using var db = await postgres.NewDatabaseAsync();
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO districts VALUES ('D1', 'One', NULL, 29.6, 106.5);
            INSERT INTO townships VALUES ('T1', 'D1', 'One', NULL);
            INSERT INTO sensors VALUES ('S1', 'station', 'D1', 'T1', 29.6, 106.5, 'national_station', 3600);
            """);
        var readings = new List<SensorReading>();
        for (var daysBefore = 0; daysBefore <= 15; daysBefore++)
        {
            for (var clock = 0; clock < 24; clock++)
            {
                if (Pm25(daysBefore, clock) is { } pm25)
                {
                    // A station reports once an hour, at the hour's end (local clock hour `clock` starts then).
                    var start = TimeZoneInfo.ConvertTimeToUtc(Day.AddDays(-daysBefore).ToDateTime(new TimeOnly(clock, 0)), Zone);
                    readings.Add(new SensorReading("S1", new DateTimeOffset(start.AddHours(1)), pm25));
                }
            }
        }

        await new TimeSeriesWriter(new HourlyRollup()).WriteAsync(connection, readings, [], CancellationToken.None);
        await HourlyStore.FoldAsync(connection, CancellationToken.None);

        var levels = await UsualHourlyLevels.LoadAsync(connection, ["S1"], Day, Zone, UsualHourlyLevels.DefaultDays, CancellationToken.None);

        var s1 = levels["S1"];
        for (var clock = 0; clock < 24; clock++)
        {
            Assert.Equal(Pm25(0, clock), s1.Today[clock]);
            var before = Enumerable.Range(1, UsualHourlyLevels.DefaultDays).Select(d => Pm25(d, clock)).OfType<double>().Order().ToArray();
            double? median = before.Length < UsualHourlyLevels.MinDays ? null
                : before.Length % 2 == 1 ? before[before.Length / 2] : (before[before.Length / 2 - 1] + before[before.Length / 2]) / 2;
            Assert.Equal(median, s1.Usual[clock]);
        }

        Assert.Null(s1.Usual[3]);
        Assert.Equal(28 + 6, s1.Usual[8]);
        Assert.Equal(150, UsualHourlyLevels.MeanOver([s1, s1 with { Today = new double?[24] }], s => s.Today)[8]);
    }
}
