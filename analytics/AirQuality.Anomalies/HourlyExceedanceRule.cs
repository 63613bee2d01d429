using AirQuality.Aggregation.Columns;
using AirQuality.Aggregation.Daily;

namespace AirQuality.Anomalies;

/// <summary>
/// One row per district whose sensors had hourly means above <see cref="AnomalyOptions.HourlyLimitUgm3"/> without rising
/// above their usual level: the city's air that hour, not an incident to attribute, so like a daily exceedance it joins
/// no episode. (An hour above the limit in which the sensor also rose is a kind of that episode instead.)
/// </summary>
sealed class HourlyExceedanceRule(AnomalyOptions options)
{
    public IEnumerable<Anomaly> Find(DateOnly day, List<AnomalySensor> sensors, List<(int Sensor, int Hour)> exceeded, double[] values, int span, int offset, LocalDays target)
    {
        foreach (var district in exceeded.GroupBy(x => sensors[x.Sensor].DistrictId).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var worst = district.MaxBy(x => values[x.Sensor * span + offset + x.Hour]);
            var peak = values[worst.Sensor * span + offset + worst.Hour];
            var members = district.Select(x => sensors[x.Sensor]).DistinctBy(x => x.SensorId).OrderBy(x => x.SensorId, StringComparer.Ordinal).ToList();
            var (start, end) = (HourlyColumns.HourStart(target.FirstHour + district.Min(x => x.Hour)), HourlyColumns.HourStart(target.FirstHour + district.Max(x => x.Hour) + 1));
            var at = HourlyColumns.HourStart(target.FirstHour + worst.Hour);
            yield return new Anomaly(day, Anomaly.Pollution, [AnomalyKinds.HourlyExceedance], peak / options.HourlyLimitUgm3,
                [.. members.Select(x => x.SensorId)], [district.Key], [.. members.Select(x => x.TownshipId).Distinct()], start, end, peak, sensors[worst.Sensor].SensorId, at,
                AnomalyWording.HourlyExceedance(district.Key, members.Count, district.Count(), options.HourlyLimitUgm3,
                    AnomalyWording.Local(start, target), AnomalyWording.Local(end, target), peak, sensors[worst.Sensor], AnomalyWording.Local(at, target)));
        }
    }
}
