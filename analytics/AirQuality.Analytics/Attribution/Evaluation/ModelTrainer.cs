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
    /// <summary>The thresholds keep the inspection yield on the training worlds (out of fold) at or above this.</summary>
    const double TargetYield = 0.7;
    const double L2 = 1.0;

    /// <summary>Simulates and labels the worlds, two at a time; results in world order.</summary>
    public (IReadOnlyList<LabelledEpisode> Episodes, IReadOnlyList<ScoredIncident> Incidents) Episodes(CityRegistry registry, IReadOnlyList<WorldSpec> worlds, string? cacheDirectory = null)
    {
        var cache = cacheDirectory is null ? null : new EpisodeCache(cacheDirectory, registry, new { anomalies, options, Zone = aggregation.Zone.Id });
        var detector = new AnomalyDetector(anomalies, aggregation);
        var labeller = new EpisodeLabeller(detector, options);
        var results = new (IReadOnlyList<LabelledEpisode> Episodes, IReadOnlyList<ScoredIncident> Incidents)[worlds.Count];
        var done = 0;
        Parallel.For(0, worlds.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount) }, w =>
        {
            var spec = worlds[w];
            if (cache is not null && cache.TryLoad(spec, out results[w]))
            {
                progress?.Invoke($"  world {Interlocked.Increment(ref done)}/{worlds.Count} ({spec}): {results[w].Episodes.Count} episodes (from the episode cache)");
                return;
            }

            var clock = System.Diagnostics.Stopwatch.StartNew();
            var sim = SimulatedCity.Run(registry, spec.Seed, spec.FirstDay.AddDays(-anomalies.BaselineDays), spec.Days + anomalies.BaselineDays, aggregation.Zone, TimeSpan.FromMinutes(15));
            var days = Enumerable.Range(0, spec.Days).Select(d => spec.FirstDay.AddDays(d)).ToList();
            var simulated = clock.Elapsed;
            results[w] = labeller.Label(sim, days, aggregation.Zone);
            cache?.Save(spec, results[w].Episodes, results[w].Incidents);
            var n = Interlocked.Increment(ref done);
            progress?.Invoke(string.Create(CultureInfo.InvariantCulture, $"  world {n}/{worlds.Count} ({spec}): {results[w].Episodes.Count} episodes (simulated in {simulated.TotalSeconds:0} s, labelled in {(clock.Elapsed - simulated).TotalSeconds:0} s)"));
        });
        return ([.. results.SelectMany(r => r.Episodes)], [.. results.SelectMany(r => r.Incidents)]);
    }

    /// <summary>
    /// Fits the candidate model on the episodes' candidates plus any rows labelled by enforcement outcomes, then the
    /// episode model and its abstention threshold on what the candidate model says about episodes it was not fitted on.
    /// </summary>
    public LogisticModel Fit(IReadOnlyList<LabelledEpisode> episodes, IReadOnlyList<ScoredIncident> incidents, CityRegistry registry, int teamDays,
        IReadOnlyList<(double[] Features, bool Confirmed)> outcomes, string trainingData)
    {
        // Every episode is learnt from, a source's everyday emission included: there its candidates are all wrong, which
        // is what teaches the model that adding to an episode as usual is not an incident.
        var learned = episodes;
        var candidate = FitCandidates(learned, outcomes);

        // Stacking: the episode model learns from candidate probabilities of a model fitted on the other half of the
        // worlds, as it will meet them on days it has never seen; fitted on the same episodes they would look too sure.
        var worlds = learned.Select(e => e.World).Distinct().ToList();
        int Half(LabelledEpisode e) => worlds.IndexOf(e.World) % 2;
        var halves = Enumerable.Range(0, 2).Select(h => FitCandidates([.. learned.Where(e => Half(e) != h)], outcomes)).ToArray();
        var outOfFold = new Dictionary<LabelledEpisode, double[]>(ReferenceEqualityComparer.Instance);
        foreach (var e in learned.Where(e => e.Candidates.Count > 0))
        {
            outOfFold[e] = [.. e.Candidates.Select(c => halves[Half(e)].Probability(c.Features))];
        }

        var gated = outOfFold.Keys.ToList();
        var rows = gated.Select(e => EpisodeEvidence.Compute(e.Candidates, outOfFold[e], options.MaxFlags)).ToList();
        var labels = gated.Select(e => e.Cause == LabelledEpisode.Incident && FlagSelection.Pick(outOfFold[e], 1, 0, options.MaxFlags).Any(i => e.Right[i])).ToList();
        var episode = LogisticRegression.Fit(EpisodeEvidence.Names, rows, labels, L2);

        var version = string.Create(CultureInfo.InvariantCulture, $"logreg-{DateTime.UtcNow:yyyyMMddHHmmss}");
        var model = new LogisticModel(new ModelFile(ModelFile.CurrentFormat, version, "logistic_regression_l2_two_stage", DateTimeOffset.UtcNow, trainingData,
            learned.Count, learned.Sum(e => e.Candidates.Count) + outcomes.Count, learned.Sum(e => e.Right.Count(r => r)) + outcomes.Count(o => o.Confirmed),
            L2, candidate, episode, 0.5, new Dictionary<string, double>()));

        // The thresholds: whether to flag at all (the episode model) and from which probability a flagged source is listed to
        // inspect, chosen for the inspectors: the best end-to-end recall whose inspection yield stays at or above the
        // target, judged on the out-of-fold probabilities for the same reason. Failing the target, the best yield.
        var unseen = new ModelEvaluation.Method("model", e => outOfFold.GetValueOrDefault(e) ?? [],
            (e, p) => model.RegisteredSourceProbability(e.Candidates, p, options.MaxFlags));
        var best = (Abstain: 0.5, Inspect: 0.5, Recall: -1.0, Yield: -1.0);
        foreach (var abstain in Grid(0, 0.9))
        {
            foreach (var inspect in Grid(0.1, 0.95))
            {
                var score = InspectionEvaluation.Score(unseen.WithThreshold(abstain), episodes, incidents, registry, teamDays, options.MaxFlags, inspect);
                var (yield, recall) = (double.IsNaN(score.Yield.Value) ? 0 : score.Yield.Value, score.Recall.Value);
                var better = yield >= TargetYield
                    ? best.Yield < TargetYield || recall > best.Recall
                    : best.Yield < TargetYield && yield > best.Yield;
                if (better)
                {
                    best = (abstain, inspect, recall, yield);
                }
            }
        }

        var final = new LogisticModel(model.File with { AbstainBelow = Math.Round(best.Abstain, 2), InspectAtOrAbove = Math.Round(best.Inspect, 2) });
        var s = ModelEvaluation.Score(ModelEvaluation.Methods(final, options.MaxFlags)[0], episodes, options.MaxFlags);
        var inspection = InspectionEvaluation.Score(ModelEvaluation.Methods(final, options.MaxFlags)[0], episodes, incidents, registry, teamDays, options.MaxFlags, final.InspectAtOrAbove);
        return final.With(final.AbstainBelow, new Dictionary<string, double>
        {
            ["inspection_yield_out_of_fold"] = Math.Round(best.Yield, 4),
            ["end_to_end_recall_out_of_fold"] = Math.Round(best.Recall, 4),
            ["inspection_yield"] = Math.Round(inspection.Yield.Value, 4),
            ["end_to_end_recall"] = Math.Round(inspection.Recall.Value, 4),
            ["wrong_per_team_day"] = Math.Round(inspection.WrongPerTeamDay, 4),
            ["calibration_error"] = Math.Round(inspection.CalibrationError, 4),
            ["precision_at_1"] = Math.Round(s.PrecisionAt1.Value, 4),
            ["recall_at_3"] = Math.Round(s.RecallAt3.Value, 4),
            ["roc_auc"] = Math.Round(s.Auc, 4),
            ["wrong_on_unregistered"] = Math.Round(s.WrongOnUnregistered.Value, 4),
            ["incident_episodes"] = s.RecallAt3.Total,
            ["outcome_rows"] = outcomes.Count,
        });

        static IEnumerable<double> Grid(double from, double to)
        {
            for (var t = from; t <= to + 1e-9; t += 0.05)
            {
                yield return Math.Round(t, 2);
            }
        }
    }

    static LogisticRegression FitCandidates(IReadOnlyList<LabelledEpisode> episodes, IReadOnlyList<(double[] Features, bool Confirmed)> outcomes) =>
        LogisticRegression.Fit(
            CandidateFeatures.Names,
            [.. episodes.SelectMany(e => e.Candidates.Select(c => c.Features)), .. outcomes.Select(o => o.Features)],
            [.. episodes.SelectMany(e => e.Right), .. outcomes.Select(o => o.Confirmed)],
            L2);
}
