using AirQuality.Analytics.Anomalies;
using AirQuality.Analytics.Attribution;
using AirQuality.Analytics.Attribution.Evaluation;
using AirQuality.Tests.Support;
using Xunit;

namespace AirQuality.Analytics.Tests.Attribution;

/// <summary>A short held-out world (a seed no training run uses) scored end to end: simulation, detection, labels, model and baselines.</summary>
public sealed class ModelEvaluationTests
{
    [Fact]
    public void On_a_held_out_world_incidents_become_labelled_episodes_and_the_model_outranks_the_nearest_source()
    {
        var trainer = new ModelTrainer(new AnomalyOptions(), new AggregationOptions(), new AttributionOptions(), progress: null);
        var (episodes, incidents) = trainer.Episodes(TestRegistry.Shipped(), [new WorldSpec(4242, new DateOnly(2025, 9, 15), 3)]);

        var incidentEpisodes = episodes.Where(e => e.Cause == LabelledEpisode.Registered && e.IncidentDriven).ToList();
        Assert.True(incidentEpisodes.Count >= 5, $"Only {incidentEpisodes.Count} incident episodes in three days.");
        // A registered culprit may lie beyond the search radius (a tall stack reaches far), but mostly it is a candidate,
        // and every candidate marked right is one of the episode's true culprits.
        var registered = episodes.Where(e => e.Cause == LabelledEpisode.Registered).ToList();
        Assert.True(registered.Count(e => e.Right.Contains(true)) >= 0.8 * registered.Count, $"{registered.Count(e => e.Right.Contains(true))} of {registered.Count} with a right candidate");
        Assert.All(registered, e => Assert.All(e.Candidates.Where((_, i) => e.Right[i]), c => Assert.Contains(TestRegistry.Shipped().Sources[c.Source].SourceId, e.TrueCulprit.Split(", "))));
        Assert.All(episodes.Where(e => e.Cause != LabelledEpisode.Registered), e => Assert.DoesNotContain(true, e.Right));
        Assert.InRange(incidents.RegisteredFound, 1, incidents.RegisteredDetectable);

        var model = LogisticModel.Load(Path.Combine(TestRegistry.RepositoryRoot, "infra", "models", "attribution-model.json"));
        var scores = ModelEvaluation.Methods(model, 3).ToDictionary(m => m.Name, m => ModelEvaluation.Score(m, episodes, 3));
        Assert.True(scores["model"].Auc > scores["nearest source"].Auc, $"Model AUC {scores["model"].Auc:0.000}, nearest source {scores["nearest source"].Auc:0.000}.");
        Assert.True(scores["model"].PrecisionAt1.Value > scores["nearest source"].PrecisionAt1.Value);
        Assert.Equal(1.0, scores["nearest source"].WrongOnUnregistered.Value is var w && double.IsNaN(w) ? 1.0 : w);
    }
}
