using AirQuality.Aggregation.Columns;
using AirQuality.Aggregation.Daily;

namespace AirQuality.Anomalies;

/// <summary>
/// One row per district whose sensors' daily means exceeded the 24-hour limit: a day-long condition, so it marks no
/// hours and joins no episode (which would chain a whole polluted district into one).
/// </summary>
static class DailyExceedanceRule
{
    public static IEnumerable<Anomaly> Find(DateOnly day, List<AnomalySensor> sensors, IReadOnlyDictionary<string, (double Mean, double Limit)> exceeded, LocalDays target)
    {
        foreach (var district in sensors.Where(s => exceeded.ContainsKey(s.SensorId)).GroupBy(s => s.DistrictId).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var worst = district.MaxBy(s => exceeded[s.SensorId].Mean)!;
            var (mean, limit) = exceeded[worst.SensorId];
            yield return new Anomaly(day, Anomaly.Pollution, [AnomalyKinds.DailyExceedance], mean / limit,
                [.. district.Select(s => s.SensorId)], [district.Key], [.. district.Select(s => s.TownshipId).Distinct()],
                HourlyColumns.HourStart(target.FirstHour), HourlyColumns.HourStart(target.FirstHour + target.Hours), mean, worst.SensorId, null,
                AnomalyWording.DailyExceedance(district.Key, district.Count(), limit, mean, worst));
        }
    }
}
