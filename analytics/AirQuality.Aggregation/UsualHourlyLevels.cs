using Dapper;
using Npgsql;

namespace AirQuality.Aggregation;

/// <summary>
/// A sensor's PM2.5 through a local day beside its usual level at each clock hour: the median of its valid hourly means
/// at that local hour over the days before. One definition for every chart a person compares (the e-mail's episode
/// charts and the console's), so that both show the same "usual" for the same sensor and hour.
/// </summary>
/// <remarks>
/// The detector's own expected level (by hour, type of day and wind, on 15-minute means) is not stored; this is the
/// plainer level a person can check with SQL. Indexes are local clock hours 0–23: the zones the pipeline runs in have
/// no daylight saving time.
/// </remarks>
public static class UsualHourlyLevels
{
    /// <summary>Days before the day the usual level is taken from by default: the detector's baseline days.</summary>
    public const int DefaultDays = 14;

    /// <summary>Days a sensor needs at a clock hour before its median there counts as its usual level.</summary>
    public const int MinDays = 3;

    /// <summary>
    /// For each of <paramref name="sensorIds"/>: its valid hourly means of <paramref name="day"/> by local clock hour,
    /// and its usual level at each clock hour from the <paramref name="usualDays"/> days before (null where it has
    /// fewer than <see cref="MinDays"/> valid hours there).
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, SensorDay>> LoadAsync(NpgsqlConnection connection, IReadOnlyCollection<string> sensorIds,
        DateOnly day, TimeZoneInfo zone, int usualDays, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(usualDays, 1);
        var from = TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue), zone);
        var to = TimeZoneInfo.ConvertTimeToUtc(day.AddDays(1).ToDateTime(TimeOnly.MinValue), zone);
        var usualFrom = TimeZoneInfo.ConvertTimeToUtc(day.AddDays(-usualDays).ToDateTime(TimeOnly.MinValue), zone);

        var today = new Dictionary<string, double?[]>(StringComparer.Ordinal);
        var before = new Dictionary<string, List<double>[]>(StringComparer.Ordinal);
        foreach (var id in sensorIds)
        {
            today[id] = new double?[24];
            before[id] = Enumerable.Range(0, 24).Select(_ => new List<double>()).ToArray();
        }

        // One pass over the sensors' valid hours: the day's means, and per clock hour the means of the days before.
        var hours = await connection.QueryAsync<(string SensorId, DateTime HourStart, double Pm25)>(new CommandDefinition("""
            SELECT sensor_id, hour_start, pm25_ugm3::double precision FROM sensor_hourly_means
            WHERE sensor_id = ANY (@ids) AND hour_start >= @usualFrom AND hour_start < @to AND pm25_valid
            """, new { ids = sensorIds.ToArray(), usualFrom, to }, cancellationToken: cancellationToken));
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

        return today.ToDictionary(p => p.Key,
            p => new SensorDay(p.Value, before[p.Key].Select(v => v.Count >= MinDays ? Median(v) : (double?)null).ToArray()),
            StringComparer.Ordinal);
    }

    /// <summary>The mean over <paramref name="sensors"/> of what <paramref name="pick"/> gives at each clock hour (null where none has a value).</summary>
    public static double?[] MeanOver(IEnumerable<SensorDay> sensors, Func<SensorDay, IReadOnlyList<double?>> pick)
    {
        var list = sensors.ToList();
        return Enumerable.Range(0, 24).Select(h =>
        {
            var values = list.Select(s => pick(s)[h]).OfType<double>().ToList();
            return values.Count == 0 ? (double?)null : values.Average();
        }).ToArray();
    }

    static double Median(List<double> values)
    {
        values.Sort();
        var mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}

/// <summary>A sensor's valid hourly means of the day and its usual level, each by local clock hour 0–23 (null: none).</summary>
public sealed record SensorDay(IReadOnlyList<double?> Today, IReadOnlyList<double?> Usual);
