using System.Globalization;
using AirQuality.Analytics.Anomalies;
using AirQuality.Storage.Registry;

namespace AirQuality.Analytics.Attribution.Evaluation;

/// <summary>
/// Builds labelled episodes from simulated worlds and fits the model; the abstention threshold is chosen on the
/// training episodes so that the model rarely names a registered source for an unregistered emitter's episode.
/// </summary>
public sealed class ModelTrainer(AnomalyOptions anomalies, AggregationOptions aggregation, AttributionOptions options, Action<string>? progress)
{
    /// <summary>The abstention threshold keeps wrong flags on unregistered emitters' training episodes at or below this.</summary>
    const double MaxWrongOnUnregistered = 0.15;
    const double L2 = 1.0;

    /// <summary>Simulates and labels the worlds, two at a time; results in world order.</summary>
    public (IReadOnlyList<LabelledEpisode> Episodes, EpisodeLabeller.Detectability Incidents) Episodes(CityRegistry registry, IReadOnlyList<WorldSpec> worlds)
    {
        var detector = new AnomalyDetector(anomalies, aggregation);
        var labeller = new EpisodeLabeller(detector, options);
        var results = new (IReadOnlyList<LabelledEpisode>, EpisodeLabeller.Detectability)[worlds.Count];
        var done = 0;
        Parallel.For(0, worlds.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount) }, w =>
        {
            var spec = worlds[w];
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var sim = SimulatedCity.Run(registry, spec.Seed, spec.FirstDay.AddDays(-anomalies.BaselineDays), spec.Days + anomalies.BaselineDays, aggregation.Zone, TimeSpan.FromMinutes(15));
            var days = Enumerable.Range(0, spec.Days).Select(d => spec.FirstDay.AddDays(d)).ToList();
            var simulated = clock.Elapsed;
            results[w] = labeller.Label(sim, days, aggregation.Zone);
            var n = Interlocked.Increment(ref done);
            progress?.Invoke(string.Create(CultureInfo.InvariantCulture, $"  world {n}/{worlds.Count} ({spec}): {results[w].Item1.Count} episodes (simulated in {simulated.TotalSeconds:0} s, labelled in {(clock.Elapsed - simulated).TotalSeconds:0} s)"));
        });
        var incidents = results.Select(r => r.Item2).Aggregate(new EpisodeLabeller.Detectability(0, 0, 0, 0), (a, b) =>
            new EpisodeLabeller.Detectability(a.RegisteredDetectable + b.RegisteredDetectable, a.RegisteredFound + b.RegisteredFound, a.UnregisteredDetectable + b.UnregisteredDetectable, a.UnregisteredFound + b.UnregisteredFound));
        return ([.. results.SelectMany(r => r.Item1)], incidents);
    }

    /// <summary>Fits on the episodes' candidates plus any rows labelled by enforcement outcomes.</summary>
    public LogisticModel Fit(IReadOnlyList<LabelledEpisode> episodes, IReadOnlyList<(double[] Features, bool Confirmed)> outcomes, string trainingData)
    {
        // Episodes of a source's everyday emissions are left out: they outnumber incidents several times over and would
        // teach the model that a culprit's emission is the usual one, which is what an incident is not.
        var learned = episodes.Where(e => e.Cause != LabelledEpisode.Registered || e.IncidentDriven).ToList();
        var rows = learned.SelectMany(e => e.Candidates.Select(c => c.Features)).Concat(outcomes.Select(o => o.Features)).ToList();
        var labels = learned.SelectMany(e => e.Right).Concat(outcomes.Select(o => o.Confirmed)).ToList();
        var version = string.Create(CultureInfo.InvariantCulture, $"logreg-{DateTime.UtcNow:yyyyMMddHHmmss}");
        var model = LogisticModel.Fit(CandidateFeatures.Names, rows, labels, L2, version, trainingData, learned.Count);

        // The threshold: the best recall within the top three whose wrong flags on unregistered emitters stay low.
        var best = (Threshold: 0.5, Recall: -1.0, Wrong: 1.0);
        for (var t = 0.02; t <= 0.8; t += 0.02)
        {
            var candidate = model.With(t, new Dictionary<string, double>());
            var score = ModelEvaluation.Score(ModelEvaluation.Methods(candidate)[0], episodes, options.MaxFlags, withAuc: false);
            var wrong = double.IsNaN(score.WrongOnUnregistered.Value) ? 0 : score.WrongOnUnregistered.Value;
            if ((wrong <= MaxWrongOnUnregistered && score.RecallAt3.Value > best.Recall) || (best.Recall < 0 && wrong < best.Wrong))
            {
                best = (t, wrong <= MaxWrongOnUnregistered ? score.RecallAt3.Value : best.Recall, wrong);
            }
        }

        var final = model.With(Math.Round(best.Threshold, 2), new Dictionary<string, double>());
        var s = ModelEvaluation.Score(ModelEvaluation.Methods(final)[0], episodes, options.MaxFlags);
        return final.With(final.AbstainBelow, new Dictionary<string, double>
        {
            ["precision_at_1"] = Math.Round(s.PrecisionAt1.Value, 4),
            ["recall_at_3"] = Math.Round(s.RecallAt3.Value, 4),
            ["roc_auc"] = Math.Round(s.Auc, 4),
            ["wrong_on_unregistered"] = Math.Round(s.WrongOnUnregistered.Value, 4),
            ["registered_episodes"] = s.RecallAt3.Total,
            ["outcome_rows"] = outcomes.Count,
        });
    }
}
