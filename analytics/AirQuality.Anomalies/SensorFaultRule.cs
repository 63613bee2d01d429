using AirQuality.Aggregation.Columns;
using AirQuality.Aggregation.Daily;

namespace AirQuality.Anomalies;

/// <summary>
/// Missing data (at least <see cref="AnomalyOptions.MissingHours"/> consecutive hours without a reading) and flat lines
/// (at least <see cref="AnomalyOptions.FlatHours"/> consecutive hours whose readings were all the same); marks the
/// hours as faults, so that they never count as pollution.
/// </summary>
sealed class SensorFaultRule(AnomalyOptions options)
{
    public IEnumerable<Anomaly> Find(DateOnly day, AnomalySensor sensor, int s, LocalDays target, int[] readings, bool[] flat, bool[] fault)
    {
        var hours = target.Hours;
        foreach (var (kind, isFault, minimum) in new[]
        {
            (AnomalyKinds.MissingData, (Func<int, bool>)(h => readings[s * hours + h] == 0), options.MissingHours),
            (AnomalyKinds.Flatline, h => flat[s * hours + h], options.FlatHours),
        })
        {
            for (var h = 0; h < hours;)
            {
                if (!isFault(h))
                {
                    h++;
                    continue;
                }

                var end = h;
                while (end < hours && isFault(end))
                {
                    end++;
                }

                if (end - h >= minimum)
                {
                    for (var i = h; i < end; i++)
                    {
                        fault[s * hours + i] = true;
                    }

                    var (start, stop) = (HourlyColumns.HourStart(target.FirstHour + h), HourlyColumns.HourStart(target.FirstHour + end));
                    yield return new Anomaly(day, Anomaly.SensorFault, [kind], (end - h) / 24.0, [sensor.SensorId], [sensor.DistrictId], [sensor.TownshipId], start, stop, null, null, null,
                        AnomalyWording.Fault(sensor, kind, AnomalyWording.Local(start, target), AnomalyWording.Local(stop, target), end - h));
                }

                h = end;
            }
        }
    }
}
