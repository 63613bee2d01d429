using System.CommandLine;
using System.Globalization;
using AirQuality.Attribution;
using AirQuality.Attribution.Model;
using AirQuality.Attribution.Training;
using AirQuality.Aggregation.Calibration;
using AirQuality.Aggregation;
using AirQuality.Anomalies;
using AirQuality.Storage.Registry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace AirQuality.Cli.Commands;

/// <summary><c>airq model train|evaluate</c>: the attribution model's lifecycle on simulated worlds (and enforcement outcomes).</summary>
static class ModelCommand
{
    static readonly double[] GridThresholds = [0.2, 0.3, 0.4, 0.5, 0.6];

    public static Command Create()
    {
        var command = new Command("model", "Train the source-attribution model or score it on held-out simulated worlds.");
        command.Subcommands.Add(Train());
        command.Subcommands.Add(Evaluate());
        return command;
    }

    static Command Train()
    {
        var worlds = new Option<int>("--worlds") { Description = "Simulated training worlds (seeds 1, 2, ...).", DefaultValueFactory = _ => 24 };
        var days = new Option<int>("--days") { Description = "Days scored per world (Anomalies:BaselineDays of baseline, 14 by default, are simulated before them).", DefaultValueFactory = _ => 7 };
        var output = new Option<string?>("--out") { Description = "Where to write the model. Default: Attribution:ModelPath (infra/models/attribution-model.json)." };
        var outcomes = new Option<bool>("--outcomes") { Description = "Also learn from enforcement_outcomes in the database." };
        var cache = CacheOption();
        var trainers = new Option<string[]>("--trainer")
        {
            Description = $"The Microsoft.ML trainers to try (the one with the lowest out-of-fold log loss is kept); default all: {string.Join(", ", BinaryClassifier.Trainers)}.",
            AllowMultipleArgumentsPerToken = true,
        };
        trainers.AcceptOnlyFromAmong([.. BinaryClassifier.Trainers]);
        var pm25 = Pm25Option();
        var command = new Command("train", "Fit the model on episodes detected in simulated worlds, labelled by their ground truth (and by recorded inspection outcomes with --outcomes).") { worlds, days, output, outcomes, cache, trainers, pm25 };
        command.SetAction((parse, ct) => AirqCommandLine.RunAsync(async token =>
        {
            var (w, d) = (Check(parse.GetValue(worlds), "--worlds", 1, 200), Check(parse.GetValue(days), "--days", 1, 120));
            // The database only for the recorded outcomes; the worlds are simulated on the shipped registry.
            using var host = await AirqHost.BuildAsync(AirqConfiguration.Load(), new Dictionary<string, string?>(),
                parse.GetValue(outcomes) ? HostNeeds.CheckedDatabase : HostNeeds.Nothing, token);
            var services = host.Services;
            var path = parse.GetValue(output) ?? services.GetRequiredService<AttributionOptions>().ModelPath;
            var registry = RegistryCsv.Load(AirqConfiguration.DefaultRegistryDirectory);
            var trainer = Trainer(host, parse.GetValue(pm25));
            var specs = WorldSpec.Training(w, d);
            Console.WriteLine($"Simulating {w} training world(s) of {d} day(s) each and detecting their episodes ...");
            var (episodes, incidents) = trainer.Episodes(registry, specs, parse.GetValue(cache));
            var rows = parse.GetValue(outcomes)
                ? await OutcomeLabels.LoadAsync(services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<AnomalyOptions>(),
                    services.GetRequiredService<AggregationOptions>(), services.GetRequiredService<AttributionOptions>(), token)
                : [];
            var model = trainer.Fit(episodes, incidents, registry, registry.Teams.Count * specs.Sum(x => x.Days), rows, $"{specs.Count} simulated worlds{(trainer.Pm25 == Pm25Flow.Corrected ? " (micro sensors' PM2.5 corrected)" : "")}: {string.Join("; ", specs)}{(rows.Count > 0 ? $"; {rows.Count} enforcement outcomes" : "")}", path,
                parse.GetValue(trainers) is { Length: > 0 } chosen ? chosen : null,
                OtherPhysics(specs, services.GetRequiredService<AnomalyOptions>().BaselineDays));
            model.Save(path);
            var m = model.File.TrainingMetrics;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Trained {model.Version} ({model.File.Candidate.Trainer} for candidates, {model.File.Episode.Trainer} for episodes) on {episodes.Count} episodes ({model.File.TrainingCandidates} candidates, {model.File.Positives} right){(rows.Count > 0 ? $" and {rows.Count} inspection outcomes" : "")}; abstains when a registered source is less than {model.AbstainBelow:0.00} likely to be behind an episode, and lists a flagged source to inspect from {model.InspectAtOrAbove:0.00}."));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"On its training worlds, out of fold: inspection yield {m["inspection_yield_out_of_fold"]:0.00}, end-to-end recall {m["end_to_end_recall_out_of_fold"]:0.00}. In sample: yield {m["inspection_yield"]:0.00}, recall {m["end_to_end_recall"]:0.00}, ECE {m["calibration_error"]:0.00}, precision of the top flag {m["precision_at_1"]:0.00}, recall within the top 3 {m["recall_at_3"]:0.00}, wrong flags on unregistered emitters {m["wrong_on_unregistered"]:0.00}."));
            Console.WriteLine($"Wrote {path}. Score it on held-out worlds with ./airq model evaluate.");
            return 0;
        }, ct));
        return command;
    }

    static Command Evaluate()
    {
        var worlds = new Option<int>("--worlds") { Description = "Held-out worlds (seeds 1001, 1002, ...; other months).", DefaultValueFactory = _ => 8 };
        var days = new Option<int>("--days") { Description = "Days scored per world (Anomalies:BaselineDays of baseline, 14 by default, are simulated before them).", DefaultValueFactory = _ => 7 };
        var modelPath = new Option<string?>("--model") { Description = "The model file. Default: Attribution:ModelPath." };
        var candidatesCsv = new Option<string?>("--candidates") { Description = "Also write every scored candidate (features, probability, truth) to this CSV file." };
        var missedCsv = new Option<string?>("--missed")
        {
            Description = "Also write every registered incident that raised a sensor's 15-minute mean by 15 µg/m³ or more and did not become an episode in which it was right to this CSV file, with what the detector compared that sensor with (simulates every world again; a development aid).",
        };
        var cache = CacheOption();
        var kinds = new Option<string[]>("--kind")
        {
            Description = "Which kinds of held-out worlds, each scored in a table of its own: a (as trained), b (PM2.5 and weather only: no PM10, no gas cells), c (changed physics: other incident sizes and durations, dust sites' hours, SO2 not from permits, registry positions up to 1 km off). Default all three.",
            AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = _ => [.. WorldSpec.Kinds],
        };
        kinds.AcceptOnlyFromAmong([.. WorldSpec.Kinds]);
        var pm25 = Pm25Option();
        var command = new Command("evaluate", "Score the model against three baselines and an upper bound on held-out simulated worlds of each kind, with 95% intervals.") { worlds, days, modelPath, candidatesCsv, missedCsv, cache, kinds, pm25 };
        command.SetAction((parse, ct) => AirqCommandLine.RunAsync(async token =>
        {
            var (w, d) = (Check(parse.GetValue(worlds), "--worlds", 1, 200), Check(parse.GetValue(days), "--days", 1, 120));
            // No database: held-out worlds are simulated on the shipped registry.
            using var host = await AirqHost.BuildAsync(AirqConfiguration.Load(), new Dictionary<string, string?>(), HostNeeds.Nothing, token);
            var attribution = host.Services.GetRequiredService<AttributionOptions>();
            var model = AttributionModel.Load(parse.GetValue(modelPath) ?? attribution.ModelPath);
            var registry = RegistryCsv.Load(AirqConfiguration.DefaultRegistryDirectory);
            var all = new List<LabelledEpisode>();
            var missed = parse.GetValue(missedCsv) is null ? null : new List<MissedIncident>();
            var trainer = Trainer(host, parse.GetValue(pm25));
            foreach (var kind in parse.GetValue(kinds) ?? [.. WorldSpec.Kinds])
            {
                var specs = WorldSpec.HeldOut(w, d, kind);
                Console.WriteLine();
                Console.WriteLine($"== Held-out worlds of kind ({kind}): {specs[0].Physics} physics; {specs[0].Network}.");
                Console.WriteLine($"Scoring {model.Version} on {w} world(s) of {d} day(s) each, micro sensors' PM2.5 {(trainer.Pm25 == Pm25Flow.Corrected ? "corrected" : "raw")} ...");
                var (episodes, incidents) = trainer.Episodes(registry, specs, parse.GetValue(cache), missed);
                Print(model, episodes, incidents, registry, registry.Teams.Count * specs.Sum(x => x.Days), attribution.MaxFlags);
                all.AddRange(episodes);
            }

            if (parse.GetValue(candidatesCsv) is { } csv)
            {
                await File.WriteAllTextAsync(csv, CandidatesCsv(model, all, attribution.MaxFlags), token);
                Console.WriteLine($"Wrote every candidate to {csv}.");
            }

            if (parse.GetValue(missedCsv) is { } missedPath)
            {
                await File.WriteAllLinesAsync(missedPath, [MissedIncident.CsvHeader, .. missed!.Select(m => m.ToCsv())], token);
                Console.WriteLine($"Wrote {missed!.Count} missed incidents to {missedPath}.");
            }

            return 0;
        }, ct));
        return command;
    }

    /// <summary>The names of the worlds whose physics is not the standard one (as their episodes carry them).</summary>
    static HashSet<string> OtherPhysics(IReadOnlyList<WorldSpec> specs, int baselineDays) =>
        [.. specs.Where(x => x.Physics != AirQuality.Simulation.WorldPhysics.Standard).Select(x => SimulatedCity.WorldName(x.Seed, x.FirstDay.AddDays(-baselineDays), x.Days + baselineDays))];

    static Option<string?> CacheOption() => new("--episode-cache")
    {
        Description = "Keep each world's labelled episodes in this folder and reuse them on the next run (for trying models on the same worlds; keyed by world, registry, settings and features).",
    };

    static Option<string?> Pm25Option()
    {
        var option = new Option<string?>("--pm25")
        {
            Description = "Which micro-sensor PM2.5 the simulated worlds are detected and attributed on: raw, or corrected as production corrects it (the network-wide calibration fitted on each world's baseline days against the stations within Calibration:MaxDistanceKm). Default: Anomalies:Pm25, what production reads.",
        };
        option.AcceptOnlyFromAmong("raw", "corrected");
        return option;
    }

    /// <summary>The trainer on the host's settings, with <c>Anomalies:Pm25</c> replaced by <paramref name="pm25"/> when given.</summary>
    static ModelTrainer Trainer(IHost host, string? pm25)
    {
        var anomalies = host.Services.GetRequiredService<AnomalyOptions>();
        if (pm25 is not null)
        {
            anomalies.Pm25 = pm25 == "corrected" ? Pm25Flow.Corrected : Pm25Flow.Raw;
        }

        return new(anomalies, host.Services.GetRequiredService<AggregationOptions>(), host.Services.GetRequiredService<AttributionOptions>(), Progress.Line)
        {
            Calibration = host.Services.GetRequiredService<CalibrationOptions>(),
        };
    }

    static void Print(AttributionModel model, IReadOnlyList<LabelledEpisode> episodes, IReadOnlyList<ScoredIncident> incidents, CityRegistry registry, int teamDays, int maxFlags)
    {
        var c = CultureInfo.InvariantCulture;
        int Count(string cause) => episodes.Count(e => e.Cause == cause);
        Console.WriteLine();
        Console.WriteLine($"Episodes: {episodes.Count}: {Count(LabelledEpisode.Incident)} raised by a registered source's incident, {Count(LabelledEpisode.Unregistered)} by an unregistered emitter, {Count(LabelledEpisode.Everyday)} by a source's everyday emission, {Count(LabelledEpisode.Background)} by no emitter in particular.");
        var reachable = episodes.Count(e => e.Cause == LabelledEpisode.Incident && e.Right.Any(r => r));
        Console.WriteLine($"In {reachable} of the {Count(LabelledEpisode.Incident)} incident episodes a right source is among the candidates.");
        var targets = incidents.Where(i => i.SourceId is not null && i.PeakRaiseUgm3 >= EpisodeLabeller.DetectableUgm3).ToList();
        var unregisteredTargets = incidents.Where(i => i.SourceId is null && i.PeakRaiseUgm3 >= EpisodeLabeller.DetectableUgm3).ToList();
        Console.WriteLine($"Incidents that raised some sensor's 15-minute mean by >= {EpisodeLabeller.DetectableUgm3} µg/m³, and those that became an episode in which they were right: registered {new Rate(targets.Count(i => i.BecameEpisode), targets.Count)}, unregistered {new Rate(unregisteredTargets.Count(i => i.BecameEpisode), unregisteredTargets.Count)}.");
        var driven = episodes.Count(e => e.Cause is LabelledEpisode.Incident or LabelledEpisode.Unregistered);
        Console.WriteLine($"Episodes raised by an incident or an unregistered emitter: {new Rate(driven, episodes.Count)}.");

        Console.WriteLine();
        Console.WriteLine(string.Create(c, $"What the inspectors get ({teamDays} team-days; the model lists a flagged source to inspect from {model.InspectAtOrAbove:0.00}, a baseline the top source of each episode):"));
        Console.WriteLine($"{"method",-42} {"inspection yield",-28} {"end-to-end recall",-28} {"wrong per team-day",-20} {"ECE",-8}");
        foreach (var m in ModelEvaluation.Methods(model, maxFlags))
        {
            var s = InspectionEvaluation.Score(m, episodes, incidents, registry, teamDays, maxFlags, model.InspectAtOrAbove);
            Console.WriteLine(string.Create(c, $"{s.Method,-42} {s.Yield,-28} {s.Recall,-28} {s.WrongPerTeamDay,-20:0.000} {(double.IsNaN(s.CalibrationError) ? "-" : s.CalibrationError.ToString("0.000", c)),-8}"));
        }

        Console.WriteLine();
        Console.WriteLine("Where the end-to-end recall is lost (each step of the incidents that passed the one before):");
        Console.WriteLine($"  model: {RecallBreakdown.Compute(ModelEvaluation.Methods(model, maxFlags)[0], episodes, incidents, registry, maxFlags, model.InspectAtOrAbove)}");
        Console.WriteLine($"  model, never abstaining: {RecallBreakdown.Compute(ModelEvaluation.Methods(model, maxFlags)[0].WithThreshold(0), episodes, incidents, registry, maxFlags, model.InspectAtOrAbove)}");

        var pushes = ContributionSummary.Compute(model, episodes, maxFlags);
        Console.WriteLine(string.Create(c, $"What pushed the flags listed to inspect up (mean log-odds contribution; {pushes.Right} with an incident then, {pushes.Wrong} without), the ten largest on the wrong ones:"));
        foreach (var (feature, right, wrong) in pushes.Features.Take(10))
        {
            Console.WriteLine(string.Create(c, $"  {feature,-40} wrong {wrong,7:0.000}  right {right,7:0.000}"));
        }

        Console.WriteLine();
        Console.WriteLine("Inspection threshold (a flagged source from this probability is listed to inspect), against what it gives (the model's own is marked):");
        var model0 = ModelEvaluation.Methods(model, maxFlags)[0];
        foreach (var t in new[] { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, model.InspectAtOrAbove }.Distinct().Order())
        {
            var s = InspectionEvaluation.Score(model0, episodes, incidents, registry, teamDays, maxFlags, t);
            Console.WriteLine(string.Create(c, $"  {(t == model.InspectAtOrAbove ? "*" : " ")} {t:0.00}: inspection yield {s.Yield.Value:0.000}, end-to-end recall {s.Recall.Value:0.000}, wrong per team-day {s.WrongPerTeamDay:0.000}"));
        }

        Console.WriteLine();
        Console.WriteLine("Both thresholds together (abstain below / inspect from): inspection yield, end-to-end recall, wrong per team-day, ECE:");
        foreach (var abstain in GridThresholds)
        {
            var row = GridThresholds.Select(t => InspectionEvaluation.Score(model0.WithThreshold(abstain), episodes, incidents, registry, teamDays, maxFlags, t))
                .Select(s => string.Create(c, $"{s.Yield.Value:0.00}/{s.Recall.Value:0.00}/{s.WrongPerTeamDay:0.00}/{s.CalibrationError:0.000}"));
            Console.WriteLine(string.Create(c, $"  {abstain:0.00}: {string.Join("  ", row)}   (inspect from 0.20 ... 0.60)"));
        }

        Console.WriteLine();
        Console.WriteLine("Ranking, on the episodes a registered source's incident raised:");
        Console.WriteLine($"{"method",-42} {"precision of top flag",-28} {"recall within top 3",-28} {"ROC AUC",-20} {"flags unregistered",-26}");
        var scores = ModelEvaluation.Methods(model, maxFlags).Select(m => ModelEvaluation.Score(m, episodes, maxFlags)).ToList();
        foreach (var s in scores)
        {
            Console.WriteLine(string.Create(c, $"{s.Method,-42} {s.PrecisionAt1,-28} {s.RecallAt3,-28} {$"{s.Auc:0.000} [{s.AucLow:0.000}-{s.AucHigh:0.000}]",-20} {s.WrongOnUnregistered,-26}"));
        }

        var (mine, bound) = (scores[0], scores[^1]);
        var bestBaseline = scores.Skip(1).Take(scores.Count - 2).ToList();
        Console.WriteLine();
        foreach (var (name, get) in new (string, Func<MethodScore, double>)[] { ("precision of top flag", s => s.PrecisionAt1.Value), ("recall within top 3", s => s.RecallAt3.Value) })
        {
            var best = bestBaseline.MaxBy(get)!;
            var gap = get(bound) - get(best);
            var closed = gap > 0 ? (get(mine) - get(best)) / gap : double.NaN;
            Console.WriteLine(string.Create(c, $"{name}: model {get(mine):0.000}, best baseline ({best.Method}) {get(best):0.000}, upper bound {get(bound):0.000}; the model closes {closed:0%} of the gap."));
        }

        Rate Listed(string cause)
        {
            var of = episodes.Where(e => e.Cause == cause).ToList();
            return new Rate(of.Count(e => ModelEvaluation.Pick(model0, e, maxFlags).Any(i => model0.Scores(e)[i] >= model.InspectAtOrAbove)), of.Count);
        }

        Console.WriteLine(string.Create(c, $"Model flags a registered source for {mine.WrongOnUnregistered} of unregistered-emitter episodes, {mine.FlaggedEveryday} of a source's everyday emission, and {mine.FlaggedBackground} of episodes no emitter explains;"));
        Console.WriteLine(string.Create(c, $"  of these it lists one to inspect for {Listed(LabelledEpisode.Unregistered)}, {Listed(LabelledEpisode.Everyday)} and {Listed(LabelledEpisode.Background)}, against {Listed(LabelledEpisode.Incident)} of incident episodes."));
        Console.WriteLine();
        Console.WriteLine("Abstention threshold on the probability that a registered source is behind an episode, against what it costs (the model's own is marked):");
        foreach (var t in new[] { 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, model.AbstainBelow }.Distinct().Order())
        {
            var s = ModelEvaluation.Score(ModelEvaluation.Methods(model, maxFlags)[0].WithThreshold(t), episodes, maxFlags, withAuc: false);
            Console.WriteLine(string.Create(c, $"  {(t == model.AbstainBelow ? "*" : " ")} {t:0.00}: precision of top flag {s.PrecisionAt1.Value:0.000}, recall within top 3 {s.RecallAt3.Value:0.000}, wrong on unregistered {s.WrongOnUnregistered.Value:0.000}"));
        }

        Console.WriteLine();
        Console.WriteLine("Calibration (all candidates): predicted -> observed");
        foreach (var (from, to, n, predicted, observed) in ModelEvaluation.Calibration(model, episodes))
        {
            Console.WriteLine(string.Create(c, $"  {from:0.00}-{to:0.00}: {n,6} candidates, mean predicted {predicted:0.000}, right {observed:0.000}"));
        }
    }

    static string CandidatesCsv(AttributionModel model, IReadOnlyList<LabelledEpisode> episodes, int maxFlags)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new System.Text.StringBuilder("world,day,start_hour,end_hour,cause,true_culprit,registered_source_probability,source_id,right,incident_then,probability," + string.Join(",", CandidateFeatures.Names) + "\n");
        foreach (var e in episodes)
        {
            var probabilities = e.Candidates.Select(c => model.Probability(c.Features)).ToArray();
            var registered = model.RegisteredSourceProbability(e.Candidates, probabilities, maxFlags);
            for (var i = 0; i < e.Candidates.Count; i++)
            {
                var candidate = e.Candidates[i];
                sb.Append(c, $"\"{e.World}\",{e.Episode.Day:yyyy-MM-dd},{e.Episode.StartHour},{e.Episode.EndHour},{e.Cause},\"{e.TrueCulprit}\",{registered:0.0000},{candidate.Source},{e.Right[i]},{e.IncidentThen[i]},{probabilities[i]:0.0000},");
                sb.AppendJoin(',', candidate.Features.Select(f => f.ToString("0.####", c)));
                sb.Append('\n');
            }
        }

        return sb.ToString();
    }

    static int Check(int value, string name, int min, int max) =>
        value >= min && value <= max ? value : throw new UsageException($"{name} must be from {min} to {max}.");
}
