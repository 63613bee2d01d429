using AirQuality.Aggregation.Columns;
using AirQuality.Aggregation.Daily;
using AirQuality.Aggregation;

namespace AirQuality.Anomalies;

/// <summary>
/// Drift against co-located neighbours: each day, the lower quartile over its hours of the sensor's reading over
/// the median of its neighbours within <see cref="AnomalyOptions.DriftRadiusKm"/>. The sensor drifts, and its whole
/// day is a fault, when that ratio in the last three days (the day among them) has moved by
/// <see cref="AnomalyOptions.DriftShare"/> from the first days of the baseline and has moved steadily one way
/// (rank correlation with the day of at least 0.8). A plume raises hours, not the lower quartile of a week.
/// </summary>
sealed class DriftRule(AnomalyOptions options)
{
    /// <summary>Hours with a ratio a day needs for its lower quartile to count.</summary>
    const int MinHours = 12;

    /// <summary>Spearman rank correlation of the daily ratio with the day that counts as moving steadily one way.</summary>
    const double MinTrend = 0.8;

    /// <summary>The last days (the day itself among them) whose ratio must have moved.</summary>
    const int RecentDays = 3;

    /// <summary>Days with a ratio needed to judge a trend at all.</summary>
    const int MinDays = 5;

    /// <summary>Co-located neighbours needed for a median to compare with.</summary>
    const int MinNeighbours = 2;

    public IEnumerable<Anomaly> Find(DateOnly day, List<AnomalySensor> sensors, double[] values, int span, int offset, LocalDays baseline, LocalDays target, bool[] fault)
    {
        var hours = target.Hours;
        var colocated = AnomalyDetector.Neighbours(sensors, options.DriftRadiusKm);
        var dayStarts = baseline.DayStart.SkipLast(1).Append(offset).ToArray(); // the baseline days, then the day itself
        for (var s = 0; s < sensors.Count; s++)
        {
            if (colocated[s].Length < MinNeighbours)
            {
                continue;
            }

            var ratios = new double[dayStarts.Length];
            for (var d = 0; d < dayStarts.Length; d++)
            {
                var end = d + 1 < dayStarts.Length ? dayStarts[d + 1] : span;
                var hourly = new List<double>();
                for (var h = dayStarts[d]; h < end; h++)
                {
                    var v = values[s * span + h];
                    var around = colocated[s].Select(o => values[o * span + h]).Where(x => !double.IsNaN(x)).Order().ToArray();
                    if (!double.IsNaN(v) && around.Length >= MinNeighbours && RobustStatistics.MedianOfSorted(around) is var m && m > 0)
                    {
                        hourly.Add(v / m);
                    }
                }

                hourly.Sort();
                // The lower quartile: a plume blown onto the sensor raises some hours; a miscalibration scales all of them.
                ratios[d] = hourly.Count >= MinHours ? hourly[hourly.Count / 4] : double.NaN;
            }

            var earlyDays = Math.Max(1, (ratios.Length - RecentDays) / 2 + 1);
            var early = ratios.Take(earlyDays).Where(r => !double.IsNaN(r)).Order().ToArray();
            var late = ratios.TakeLast(RecentDays).Where(r => !double.IsNaN(r)).Order().ToArray();
            if (early.Length < 2 || late.Length < 2 || double.IsNaN(ratios[^1]))
            {
                continue;
            }

            var (before, now, today) = (RobustStatistics.MedianOfSorted(early), RobustStatistics.MedianOfSorted(late), ratios[^1]);
            bool Moved(double r) => r / before >= 1 + options.DriftShare || r / before <= 1 / (1 + options.DriftShare);
            // Drift creeps one way day after day; a ratio that moves with the weather goes up and down.
            var days = Enumerable.Range(0, ratios.Length).Where(d => !double.IsNaN(ratios[d])).ToArray();
            var trend = RobustStatistics.RankCorrelation([.. days.Select(d => (double)d)], [.. days.Select(d => ratios[d])]);
            if (!Moved(now) || !Moved(today) || days.Length < MinDays || Math.Abs(trend) < MinTrend || Math.Sign(trend) != Math.Sign(today - before))
            {
                continue;
            }

            for (var h = 0; h < hours; h++)
            {
                fault[s * hours + h] = true;
            }

            var sensor = sensors[s];
            yield return new Anomaly(day, Anomaly.SensorFault, [AnomalyKinds.Drift], 1, [sensor.SensorId], [sensor.DistrictId], [sensor.TownshipId],
                HourlyColumns.HourStart(target.FirstHour), HourlyColumns.HourStart(target.FirstHour + hours), null, null, null,
                AnomalyWording.Drift(sensor, today, before, earlyDays, colocated[s].Length, options.DriftRadiusKm));
        }
    }
}
