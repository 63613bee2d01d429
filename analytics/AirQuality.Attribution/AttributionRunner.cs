using System.Text.Json;
using AirQuality.Aggregation;
using AirQuality.Anomalies;
using AirQuality.Storage.Registry;
using Dapper;
using Npgsql;

namespace AirQuality.Attribution;

/// <summary>
/// <c>airq attribute --date DAY</c>: attributes the day's stored pollution episodes and replaces that day's rows in
/// <c>episode_attributions</c>, <c>source_flags</c> and <c>episode_contributors</c>, in one transaction.
/// </summary>
public sealed class AttributionRunner(NpgsqlDataSource dataSource, IAttributionModel model, AnomalyOptions anomalies, AggregationOptions aggregation, AttributionOptions options)
{
    /// <summary>Attributes and stores <paramref name="day"/>'s episodes; returns them with the hours they were judged on.</summary>
    public async Task<(CityHours City, IReadOnlyList<EpisodeAttribution> Results)> RunAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var registry = await new RegistryStore(dataSource).LoadAsync(cancellationToken);
        var window = new AnomalyDetector(dataSource, anomalies, aggregation).Window(day);
        var hours = (int)(window.Target.FirstHour - window.Baseline.FirstHour) + window.Target.Hours;
        var city = await CityHoursLoader.LoadAsync(dataSource, registry, window.Baseline.FirstHour, hours, anomalies.Pm25, cancellationToken);
        var plume = new PlumeEstimator(city, aggregation.Zone);
        var attributor = new Attributor(model, options);
        var stored = await AnomalyDetector.LoadWithIdsAsync(dataSource, day, cancellationToken);
        var results = stored.Select(x => AttributionEpisode.From(x.Id, x.Anomaly, city)).OfType<AttributionEpisode>()
            .Select(e => attributor.Attribute(city, plume, e)).ToList();

        var corrected = anomalies.Pm25 == Aggregation.Calibration.Pm25Flow.Corrected;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM source_flags WHERE day = @day; DELETE FROM episode_contributors WHERE day = @day; DELETE FROM episode_attributions WHERE day = @day;",
            new { day }, transaction, cancellationToken: cancellationToken));
        foreach (var a in results)
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO episode_attributions (anomaly_id, day, verdict, candidates, summary, registered_source_probability, model_version, pm25_values, calibration_versions)
                VALUES (@AnomalyId, @Day, @Verdict, @Candidates, @Summary, @Probability, @Version, @Pm25Values,
                        CASE WHEN @Corrected THEN (SELECT pm25_calibration_versions(sensor_ids, started_at, ended_at) FROM anomalies WHERE anomaly_id = @AnomalyId) END)
                """, new
            {
                a.Episode.AnomalyId, Day = day, a.Verdict, a.Candidates, a.Summary, Probability = (float)a.RegisteredSourceProbability, model.Version,
                Pm25Values = corrected ? "corrected" : "raw", Corrected = corrected,
            }, transaction, cancellationToken: cancellationToken));
            foreach (var f in a.Flags)
            {
                await connection.ExecuteAsync(new CommandDefinition("""
                    INSERT INTO source_flags (anomaly_id, day, rank, source_id, probability, to_inspect, explanation, features, model_version)
                    VALUES (@AnomalyId, @Day, @Rank, @SourceId, @Probability, @ToInspect, @Explanation, @Features::jsonb, @Version)
                    """, new
                {
                    a.Episode.AnomalyId, Day = day, Rank = (short)f.Rank, f.SourceId, Probability = (float)f.Probability, f.ToInspect, f.Explanation,
                    Features = JsonSerializer.Serialize(f.Features), model.Version,
                }, transaction, cancellationToken: cancellationToken));
            }

            if (a.Contributor is { } c)
            {
                await connection.ExecuteAsync(new CommandDefinition("""
                    INSERT INTO episode_contributors (anomaly_id, day, source_id, plume_share, plume_ugm3, episode_hours)
                    VALUES (@AnomalyId, @Day, @SourceId, @Share, @Ugm3, @EpisodeHours)
                    """, new { a.Episode.AnomalyId, Day = day, c.SourceId, Share = (float)c.PlumeShare, Ugm3 = (float)c.PlumeUgm3, c.EpisodeHours },
                    transaction, cancellationToken: cancellationToken));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return (city, results);
    }
}
