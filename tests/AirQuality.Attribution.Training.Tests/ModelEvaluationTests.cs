using AirQuality.Aggregation;
using AirQuality.Anomalies;
using AirQuality.Attribution.Model;
using AirQuality.Attribution.Training;
using AirQuality.Attribution;
using AirQuality.Simulation;
using AirQuality.Tests.Support;
using Xunit;

namespace AirQuality.Attribution.Training.Tests;

/// <summary>A short held-out world (a seed no training run uses) scored end to end: simulation, detection, labels, model, baselines and inspection lists.</summary>
public sealed class ModelEvaluationTests
{
    [Fact]
    public void On_a_held_out_world_incidents_become_labelled_episodes_and_the_model_outranks_the_nearest_source()
    {
        var registry = TestRegistry.Shipped();
        var trainer = new ModelTrainer(new AnomalyOptions(), new AggregationOptions(), new AttributionOptions(), progress: null);
        var (episodes, incidents) = trainer.Episodes(registry, [new WorldSpec(4242, new DateOnly(2025, 9, 15), 3, WorldPhysics.Standard, NetworkCapabilities.Full)]);

        var incidentEpisodes = episodes.Where(e => e.Cause == LabelledEpisode.Incident).ToList();
        Assert.True(incidentEpisodes.Count >= 5, $"Only {incidentEpisodes.Count} incident episodes in three days.");
        // A culprit may lie beyond the search radius (a tall stack reaches far), but mostly it is a candidate; a candidate
        // marked right had an incident under way then and is one of the episode's true culprits; everyday emission never is right.
        Assert.True(incidentEpisodes.Count(e => e.Right.Contains(true)) >= 0.8 * incidentEpisodes.Count, $"{incidentEpisodes.Count(e => e.Right.Contains(true))} of {incidentEpisodes.Count} with a right candidate");
        Assert.All(incidentEpisodes, e => Assert.All(e.Candidates.Where((_, i) => e.Right[i]), c => Assert.Contains(registry.Sources[c.Source].SourceId, e.TrueCulprit.Split(", "))));
        Assert.All(episodes, e => Assert.All(Enumerable.Range(0, e.Candidates.Count).Where(i => e.Right[i]), i => Assert.True(e.IncidentThen[i])));
        Assert.All(episodes.Where(e => e.Cause != LabelledEpisode.Incident), e => Assert.DoesNotContain(true, e.Right));
        Assert.Contains(episodes, e => e.Cause == LabelledEpisode.Everyday);

        // Incidents are scored by the 15-minute raise they caused; the ones that became episodes are among those that raised a sensor at all.
        Assert.All(incidents, i => Assert.True(i.PeakRaiseUgm3 >= 0 && double.IsFinite(i.PeakRaiseUgm3)));
        Assert.Contains(incidents, i => i.SourceId is not null && i.PeakRaiseUgm3 >= EpisodeLabeller.DetectableUgm3 && i.BecameEpisode);
        Assert.All(incidents.Where(i => i.BecameEpisode), i => Assert.True(i.PeakRaiseUgm3 > 0));

        var model = AttributionModel.Load(Path.Combine(TestRegistry.RepositoryRoot, "infra", "models", "attribution-model.json"));
        var methods = ModelEvaluation.Methods(model, 3);
        var scores = methods.ToDictionary(m => m.Name, m => ModelEvaluation.Score(m, episodes, 3));
        Assert.True(scores["model"].Auc > scores["nearest source"].Auc, $"Model AUC {scores["model"].Auc:0.000}, nearest source {scores["nearest source"].Auc:0.000}.");
        Assert.Equal(1.0, scores["nearest source"].WrongOnUnregistered.Value is var w && double.IsNaN(w) ? 1.0 : w);

        // The inspection lists: each source once a day; yield and recall recomputed here from the entries and the truth.
        var teamDays = registry.Teams.Count * 3;
        var nearest = methods.Single(m => m.Name == "nearest source");
        var entries = InspectionEvaluation.Entries(nearest, episodes, 3, 0);
        Assert.Equal(entries.Count, entries.Select(x => (x.World, x.Day, x.Source)).Distinct().Count());
        Assert.Equal(episodes.Where(e => e.Candidates.Count > 0).Select(e => (e.Episode.Day, e.Candidates.MaxBy(c => -c.Facts.DistanceKm)!.Source)).Distinct().Count(), entries.Count);
        var score = InspectionEvaluation.Score(nearest, episodes, incidents, registry, teamDays, 3, 0);
        Assert.Equal(entries.Count(x => x.IncidentThen), score.Yield.Hits);
        Assert.Equal((entries.Count - score.Yield.Hits) / (double)teamDays, score.WrongPerTeamDay, 9);
        var targets = incidents.Count(i => i.SourceId is not null && i.PeakRaiseUgm3 >= EpisodeLabeller.DetectableUgm3);
        Assert.Equal(targets, score.Recall.Total);
        Assert.True(double.IsNaN(score.CalibrationError));
        var modelScore = InspectionEvaluation.Score(methods[0], episodes, incidents, registry, teamDays, 3, model.InspectAtOrAbove);
        Assert.InRange(modelScore.CalibrationError, 0, 1);
    }

    [Fact]
    public void Calibration_error_is_the_weighted_gap_between_probability_and_outcome_per_bin()
    {
        InspectionEvaluation.Entry E(double p, bool hit) => new("w", new DateOnly(2025, 1, 1), 0, p, true, hit);
        // Bin 0.9: mean 0.9, 1 of 2 right (gap 0.4); bin 0.2: mean 0.2, 0 of 2 (gap 0.2). Weighted: 0.3.
        Assert.Equal(0.3, InspectionEvaluation.CalibrationError([E(0.9, true), E(0.9, false), E(0.2, false), E(0.2, false)]), 9);
        Assert.Equal(0.0, InspectionEvaluation.CalibrationError([E(0.5, true), E(0.5, false)]), 9);
    }
}
