using AirQuality.Aggregation.Columns;
using AirQuality.Aggregation;
using AirQuality.Anomalies;
using AirQuality.Storage.Registry;
using Dapper;
using Npgsql;

namespace AirQuality.Attribution;

/// <summary>
/// Training rows from what inspections found: for each row of <c>enforcement_outcomes</c>, the inspected source's
/// features for its episode, recomputed from the stored readings, labelled confirmed or not.
/// </summary>
public static class OutcomeLabels
{
    public static async Task<IReadOnlyList<(double[] Features, bool Confirmed)>> LoadAsync(
        NpgsqlDataSource dataSource, AnomalyOptions anomalies, AggregationOptions aggregation, AttributionOptions options, CancellationToken cancellationToken)
    {
        IEnumerable<(string SourceId, DateTime Day, DateTime Start, DateTime End, string[] SensorIds, string Finding)> outcomes;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            outcomes = await connection.QueryAsync<(string, DateTime, DateTime, DateTime, string[], string)>(new CommandDefinition(
                "SELECT source_id, episode_day, episode_started_at, episode_ended_at, sensor_ids, finding FROM enforcement_outcomes ORDER BY outcome_id",
                cancellationToken: cancellationToken));
        }

        var registry = await new RegistryStore(dataSource).LoadAsync(cancellationToken);
        var detector = new AnomalyDetector(dataSource, anomalies, aggregation);
        var rows = new List<(double[], bool)>();
        foreach (var group in outcomes.GroupBy(o => DateOnly.FromDateTime(o.Day)))
        {
            var window = detector.Window(group.Key);
            var hours = (int)(window.Target.FirstHour - window.Baseline.FirstHour) + window.Target.Hours;
            var city = await CityHoursLoader.LoadAsync(dataSource, registry, window.Baseline.FirstHour, hours, anomalies.Pm25, cancellationToken);
            var plume = new PlumeEstimator(city, aggregation.Zone);
            foreach (var o in group)
            {
                var sensors = o.SensorIds.Select(city.SensorIndex).OfType<int>().ToArray();
                var (start, end) = ((int)(HourlyColumns.HourOf(o.Start) - city.FirstHour), (int)(HourlyColumns.HourOf(o.End) - city.FirstHour));
                if (sensors.Length == 0 || start < 0 || end > city.Hours || city.SourceIndex(o.SourceId) is not { } source)
                {
                    continue;
                }

                // The peak: the episode's highest sensor-hour, as the detector chose it.
                var peak = sensors.SelectMany(s => Enumerable.Range(start, end - start).Select(h => (s, h))).MaxBy(c => city.Pm25[c.s * city.Hours + c.h] is var v && double.IsNaN(v) ? -1 : v);
                var episode = new AttributionEpisode(0, group.Key, sensors, start, end, peak.s, peak.h);
                if (CandidateFeatures.Compute(city, plume, episode, options).FirstOrDefault(c => c.Source == source) is { } candidate)
                {
                    rows.Add((candidate.Features, o.Finding == "confirmed"));
                }
            }
        }

        return rows;
    }
}
