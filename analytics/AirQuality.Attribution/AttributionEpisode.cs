using AirQuality.Anomalies;
using AirQuality.Aggregation.Columns;

namespace AirQuality.Attribution;

/// <summary>A pollution episode as attribution sees it: sensor indices into <see cref="CityHours.Sensors"/> and hours relative to <see cref="CityHours.FirstHour"/>.</summary>
/// <remarks><see cref="StartHour"/> inclusive, <see cref="EndHour"/> exclusive. <see cref="AnomalyId"/> is the <c>anomalies</c> row, 0 for simulated worlds.</remarks>
public sealed record AttributionEpisode(long AnomalyId, DateOnly Day, int[] Sensors, int StartHour, int EndHour, int PeakSensor, int PeakHour)
{
    /// <summary>
    /// The episode of a pollution anomaly with hours (not a district's daily or hourly exceedance, the district's air
    /// rather than an incident), or null when it is not one or lies outside <paramref name="city"/>'s hours.
    /// </summary>
    /// <remarks>An episode's end need not be on the hour (the detector works in 15-minute means): its last, partial hour is included.</remarks>
    public static AttributionEpisode? From(long anomalyId, Anomaly anomaly, CityHours city)
    {
        if (anomaly.Category != Anomaly.Pollution || anomaly.Kinds.All(k => k is AnomalyKinds.DailyExceedance or AnomalyKinds.HourlyExceedance) || anomaly.PeakSensorId is null || anomaly.PeakAt is null)
        {
            return null;
        }

        var sensors = anomaly.SensorIds.Select(city.SensorIndex).OfType<int>().ToArray();
        var (start, end, peakHour) = ((int)(HourlyColumns.HourOf(anomaly.Start) - city.FirstHour), (int)(HourlyColumns.HourOf(anomaly.End.AddTicks(-1)) + 1 - city.FirstHour),
            (int)(HourlyColumns.HourOf(anomaly.PeakAt.Value) - city.FirstHour));
        return city.SensorIndex(anomaly.PeakSensorId) is { } peak && sensors.Length > 0 && start >= 0 && end <= city.Hours && end > start
            ? new AttributionEpisode(anomalyId, anomaly.Day, sensors, start, end, peak, peakHour)
            : null;
    }
}
