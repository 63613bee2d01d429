using System.Globalization;
using AirQuality.Aggregation.Calibration;
using AirQuality.Aggregation.Daily;
using AirQuality.Aggregation;
using AirQuality.Anomalies;
using AirQuality.Attribution.Model;
using AirQuality.Storage.Registry;

namespace AirQuality.Attribution.Training;

/// <summary>
/// Builds labelled episodes from simulated worlds and fits the model; the abstention threshold is chosen on the
/// training episodes so that the model rarely names a registered source for an unregistered emitter's episode.
/// </summary>
public sealed class ModelTrainer(AnomalyOptions anomalies, AggregationOptions aggregation, AttributionOptions options, Action<string>? progress)
{
    /// <summary>The thresholds keep the inspection yield on the training worlds (out of fold) at or above this.</summary>
    const double TargetYield = 0.7;
    /// <summary>Worlds are dealt into this many folds for out-of-fold probabilities.</summary>
    const int Folds = 4;

    /// <summary>
    /// The calibration fitted to each world's micro sensors when <see cref="AnomalyOptions.Pm25"/> is
    /// <see cref="Pm25Flow.Corrected"/> (<see cref="SimulatedCity.CorrectMicroSensors"/>). Default: the defaults.
    /// </summary>
    public CalibrationOptions Calibration { get; init; } = new();

    /// <summary>Which micro-sensor PM2.5 the worlds are detected and attributed on (<c>Anomalies:Pm25</c>).</summary>
    public Pm25Flow Pm25 => anomalies.Pm25;

    /// <summary>
    /// Simulates and labels the worlds, two at a time; results in world order. With <paramref name="missed"/>, every world
    /// is simulated (the cache holds no simulation) and its missed incidents are listed there, in world order.
    /// </summary>
    public (IReadOnlyList<LabelledEpisode> Episodes, IReadOnlyList<ScoredIncident> Incidents) Episodes(CityRegistry registry, IReadOnlyList<WorldSpec> worlds, string? cacheDirectory = null,
        List<MissedIncident>? missed = null)
    {
        var corrected = anomalies.Pm25 == Pm25Flow.Corrected;
        // Raw worlds keep the key they always had (Anomalies:Pm25 is not in the options' JSON), so their cached episodes stay valid.
        object settings = corrected
            ? new { anomalies, options, Zone = aggregation.Zone.Id, Pm25 = "corrected", Calibration = new { Calibration.MaxDistanceKm, Calibration.Folds } }
            : new { anomalies, options, Zone = aggregation.Zone.Id };
        var cache = cacheDirectory is null ? null : new EpisodeCache(cacheDirectory, registry, settings);
        var detector = new AnomalyDetector(anomalies, aggregation);
        var labeller = new EpisodeLabeller(detector, options);
        var results = new (IReadOnlyList<LabelledEpisode> Episodes, IReadOnlyList<ScoredIncident> Incidents)[worlds.Count];
        var missedBy = worlds.Select(_ => new List<MissedIncident>()).ToArray();
        var done = 0;
        Parallel.For(0, worlds.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount) }, w =>
        {
            var spec = worlds[w];
            if (missed is null && cache is not null && cache.TryLoad(spec, out results[w]))
            {
                progress?.Invoke($"  world {Interlocked.Increment(ref done)}/{worlds.Count} ({spec}): {results[w].Episodes.Count} episodes (from the episode cache)");
                return;
            }

            var clock = System.Diagnostics.Stopwatch.StartNew();
            var sim = SimulatedCity.Run(registry, spec.Seed, spec.FirstDay.AddDays(-anomalies.BaselineDays), spec.Days + anomalies.BaselineDays, aggregation.Zone, TimeSpan.FromMinutes(15),
                spec.Physics, spec.Network);
            var days = Enumerable.Range(0, spec.Days).Select(d => spec.FirstDay.AddDays(d)).ToList();
            var correction = "";
            if (corrected)
            {
                // Fitted on the baseline days only: the scored days are what production would correct with a fit made before them.
                var fitHours = (int)(LocalDays.StartOf(spec.FirstDay, aggregation.Zone).ToUnixTimeSeconds() / 3600 - sim.Hours.FirstHour);
                correction = sim.CorrectMicroSensors(Calibration, fitHours) is { } fit
                    ? string.Create(CultureInfo.InvariantCulture, $"; micro sensors corrected by {Describe(fit.Model)} fitted on {fit.Hours} pairs, RMSE against the stations {fit.RawRmse:0.00} raw, {fit.Rmse:0.00} corrected")
                    : "; no micro sensor paired with a station on two days, left raw";
            }

            var simulated = clock.Elapsed;
            results[w] = labeller.Label(sim, days, aggregation.Zone, missed is null ? null : missedBy[w]);
            cache?.Save(spec, results[w].Episodes, results[w].Incidents);
            var n = Interlocked.Increment(ref done);
            progress?.Invoke(string.Create(CultureInfo.InvariantCulture, $"  world {n}/{worlds.Count} ({spec}): {results[w].Episodes.Count} episodes (simulated in {simulated.TotalSeconds:0} s, labelled in {(clock.Elapsed - simulated).TotalSeconds:0} s){correction}"));
        });
        missed?.AddRange(missedBy.SelectMany(m => m));
        return ([.. results.SelectMany(r => r.Episodes)], [.. results.SelectMany(r => r.Incidents)]);
    }

    static string Describe(CalibrationModel model) => model.Method == CalibrationMethod.Hygroscopic
        ? string.Create(CultureInfo.InvariantCulture, $"hygroscopic κ = {model.Kappa:0.000}")
        : string.Create(CultureInfo.InvariantCulture, $"linear_rh {model.A:0.000}·raw + {model.B:0.000}·RH + {model.C:0.00}");

    /// <summary>
    /// Fits the candidate classifier on the episodes' candidates plus any rows labelled by enforcement outcomes, then
    /// the episode classifier and the two thresholds on what the candidate classifier says about episodes it was not
    /// fitted on (out of fold, folds by world). Each classifier's trainer is the one of <see cref="BinaryClassifier.Trainers"/>
    /// with the lowest out-of-fold log loss.
    /// </summary>
    public AttributionModel Fit(IReadOnlyList<LabelledEpisode> episodes, IReadOnlyList<ScoredIncident> incidents, CityRegistry registry, int teamDays,
        IReadOnlyList<(double[] Features, bool Confirmed)> outcomes, string trainingData, string path, IReadOnlyList<string>? trainers = null,
        IReadOnlySet<string>? otherPhysicsWorlds = null)
    {
        trainers ??= BinaryClassifier.Trainers;
        // Every episode is learnt from, a source's everyday emission included: there its candidates are all wrong, which
        // is what teaches the model that adding to an episode as usual is not an incident.
        var worlds = episodes.Select(e => e.World).Distinct().ToList();
        int Fold(LabelledEpisode e) => worlds.IndexOf(e.World) % Folds;
        var rows = episodes.SelectMany(e => e.Candidates.Select(c => c.Features)).Concat(outcomes.Select(o => o.Features)).ToList();
        var labels = episodes.SelectMany(e => e.Right).Concat(outcomes.Select(o => o.Confirmed)).ToList();
        var folds = episodes.SelectMany(e => e.Candidates.Select(_ => Fold(e))).Concat(outcomes.Select((_, i) => i % Folds)).ToList();
        progress?.Invoke($"Fitting the candidate classifier ({string.Join(", ", trainers)}) on {rows.Count} candidates, {Folds} folds by world ...");
        var (candidate, candidateOutOfFold, candidateLoss) = BinaryClassifier.FitBest(trainers, CandidateFeatures.Names, rows, labels, folds);

        // Stacking: the episode classifier learns from candidate probabilities of models that did not see the episode,
        // as it will meet them on days it has never seen; fitted on the same episodes they would look too sure.
        var outOfFold = new Dictionary<LabelledEpisode, double[]>(ReferenceEqualityComparer.Instance);
        var next = 0;
        foreach (var e in episodes)
        {
            outOfFold[e] = candidateOutOfFold[next..(next + e.Candidates.Count)];
            next += e.Candidates.Count;
        }

        var gated = episodes.Where(e => e.Candidates.Count > 0).ToList();
        var evidence = gated.Select(e => EpisodeEvidence.Compute(e.Candidates, outOfFold[e], options.MaxFlags)).ToList();
        var behind = gated.Select(e => e.Cause == LabelledEpisode.Incident && FlagSelection.Pick(outOfFold[e], 1, 0, options.MaxFlags).Any(i => e.Right[i])).ToList();
        progress?.Invoke($"Fitting the episode classifier on {gated.Count} episodes ...");
        var (episode, episodeOutOfFold, episodeLoss) = BinaryClassifier.FitBest(trainers, EpisodeEvidence.Names, evidence, behind, [.. gated.Select(Fold)]);
        var registeredOutOfFold = new Dictionary<LabelledEpisode, double>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < gated.Count; i++)
        {
            registeredOutOfFold[gated[i]] = episodeOutOfFold[i];
        }

        var (candidateFile, episodeFile) = AttributionModel.FileNames(path);
        var version = string.Create(CultureInfo.InvariantCulture, $"mlnet-{DateTime.UtcNow:yyyyMMddHHmmss}");
        var model = new AttributionModel(new ModelFile(ModelFile.CurrentFormat, version, DateTimeOffset.UtcNow, trainingData,
            episodes.Count, rows.Count, labels.Count(l => l),
            new ClassifierFile(candidate.Trainer, candidateFile, CandidateFeatures.Names, candidate.Slope, candidate.Offset, candidateLoss),
            new ClassifierFile(episode.Trainer, episodeFile, EpisodeEvidence.Names, episode.Slope, episode.Offset, episodeLoss),
            0.5, 0.5, new Dictionary<string, double>()), candidate, episode);

        // The thresholds: whether to flag at all (the episode model) and from which probability a flagged source is listed to
        // inspect, chosen for the inspectors: the best end-to-end recall whose inspection yield stays at or above the
        // target, judged on the out-of-fold probabilities for the same reason. Failing the target, the best yield.
        var unseen = new ModelEvaluation.Method("model", e => outOfFold[e], (e, _) => registeredOutOfFold.GetValueOrDefault(e));
        var best = (Abstain: 0.5, Inspect: 0.5, Recall: -1.0, Yield: -1.0);
        // Issue 22 (yield on changed physics): the same grid scored apart on the standard-physics worlds and the others, to
        // see which threshold rules hold on both; reported, the shipped rule is the pooled one below.
        var worldCount = episodes.Select(e => e.World).Distinct().Count();
        var groups = otherPhysicsWorlds is null ? null : Enumerable.Range(0, 2).Select(group =>
        {
            var other = group == 1;
            var of = episodes.Where(e => otherPhysicsWorlds.Contains(e.World) == other).ToList();
            var inc = incidents.Where(i => otherPhysicsWorlds.Contains(i.World) == other).ToList();
            return (Episodes: of, Incidents: inc, TeamDays: teamDays * of.Select(e => e.World).Distinct().Count() / Math.Max(1, worldCount));
        }).ToArray();
        var grid = new List<ThresholdPoint>();
        foreach (var abstain in Grid(0, 0.9))
        {
            foreach (var inspect in Grid(0.1, 0.95))
            {
                var score = InspectionEvaluation.Score(unseen.WithThreshold(abstain), episodes, incidents, registry, teamDays, options.MaxFlags, inspect);
                if (groups is not null)
                {
                    var (standard, other) = (InspectionEvaluation.Score(unseen.WithThreshold(abstain), groups[0].Episodes, groups[0].Incidents, registry, groups[0].TeamDays, options.MaxFlags, inspect),
                        InspectionEvaluation.Score(unseen.WithThreshold(abstain), groups[1].Episodes, groups[1].Incidents, registry, groups[1].TeamDays, options.MaxFlags, inspect));
                    grid.Add(new(abstain, inspect, score.Yield.Value, score.Recall.Value, standard.Yield.Value, other.Yield.Value, other.Recall.Value));
                }

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

        foreach (var (rule, holds) in ThresholdRules.Compared)
        {
            if (ThresholdRules.Best(grid, holds) is { } g)
            {
                progress?.Invoke(string.Create(CultureInfo.InvariantCulture,
                    $"Threshold rule {rule}: abstain below {g.Abstain:0.00}, inspect from {g.Inspect:0.00}: out of fold yield {g.Yield:0.000} (standard {g.Standard:0.000}, other physics {g.Other:0.000}), recall {g.Recall:0.000} (other physics {g.OtherRecall:0.000})"));
            }
        }

        // Issue 22 (calibration on every kind): the same choice with the candidate probabilities recalibrated isotonically,
        // cross-fitted by fold, against Platt's, on what the inspectors would get; recorded, not shipped.
        var isotonicRows = IsotonicCheck.CrossFitted(candidateOutOfFold, labels, folds);
        var isotonicOutOfFold = new Dictionary<LabelledEpisode, double[]>(ReferenceEqualityComparer.Instance);
        next = 0;
        foreach (var e in episodes)
        {
            isotonicOutOfFold[e] = isotonicRows[next..(next + e.Candidates.Count)];
            next += e.Candidates.Count;
        }

        var plattScore = InspectionEvaluation.Score(unseen.WithThreshold(best.Abstain), episodes, incidents, registry, teamDays, options.MaxFlags, best.Inspect);
        var isotonicScore = InspectionEvaluation.Score(new ModelEvaluation.Method("isotonic", e => isotonicOutOfFold[e], (e, _) => registeredOutOfFold.GetValueOrDefault(e)).WithThreshold(best.Abstain),
            episodes, incidents, registry, teamDays, options.MaxFlags, best.Inspect);
        var calibration = new Dictionary<string, double>
        {
            ["candidate_log_loss_out_of_fold_platt"] = Math.Round(BinaryClassifier.LogLoss(candidateOutOfFold, labels), 5),
            ["candidate_log_loss_out_of_fold_isotonic"] = Math.Round(BinaryClassifier.LogLoss(isotonicRows, labels), 5),
            ["calibration_error_out_of_fold_platt"] = Math.Round(plattScore.CalibrationError, 4),
            ["calibration_error_out_of_fold_isotonic"] = Math.Round(isotonicScore.CalibrationError, 4),
            ["inspection_yield_out_of_fold_isotonic"] = Math.Round(isotonicScore.Yield.Value, 4),
            ["end_to_end_recall_out_of_fold_isotonic"] = Math.Round(isotonicScore.Recall.Value, 4),
        };
        progress?.Invoke("Calibration out of fold (candidate log loss, ECE of the lists at the chosen thresholds): "
            + string.Join(", ", calibration.Select(c => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{c.Key} {c.Value}"))));

        var final = model.With(Math.Round(best.Abstain, 2), Math.Round(best.Inspect, 2), new Dictionary<string, double>());
        var s = ModelEvaluation.Score(ModelEvaluation.Methods(final, options.MaxFlags)[0], episodes, options.MaxFlags);
        var inspection = InspectionEvaluation.Score(ModelEvaluation.Methods(final, options.MaxFlags)[0], episodes, incidents, registry, teamDays, options.MaxFlags, final.InspectAtOrAbove);
        return final.With(final.AbstainBelow, final.InspectAtOrAbove, new Dictionary<string, double>
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
        }.Concat(calibration).ToDictionary());

        static IEnumerable<double> Grid(double from, double to)
        {
            for (var t = from; t <= to + 1e-9; t += 0.05)
            {
                yield return Math.Round(t, 2);
            }
        }
    }
}
