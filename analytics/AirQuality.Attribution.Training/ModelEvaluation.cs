using System.Runtime.CompilerServices;

namespace AirQuality.Attribution.Training;

/// <summary>
/// Scores the model and the baselines side by side on labelled episodes: nearest source, nearest source upwind, the
/// plume model on reported emissions, and the upper bound (the plume model on true emissions, which no real system knows).
/// </summary>
public static class ModelEvaluation
{
    const int BootstrapSamples = 400;

    /// <summary>
    /// A method's scores for an episode's candidates and, for a method that may abstain (only the model), the
    /// probability that a registered source is behind the episode and the threshold below which it abstains.
    /// </summary>
    public sealed record Method(string Name, Func<LabelledEpisode, double[]> Scores, Func<LabelledEpisode, double[], double>? RegisteredSource = null, double AbstainBelow = 0)
    {
        public Method WithThreshold(double abstainBelow) => this with { AbstainBelow = abstainBelow };
    }

    public static IReadOnlyList<Method> Methods(IAttributionModel model, int maxFlags)
    {
        // Each metric asks again; the model's answers for an episode are worked out once.
        var probabilities = new ConditionalWeakTable<LabelledEpisode, double[]>();
        var registered = new ConditionalWeakTable<LabelledEpisode, StrongBox<double>>();
        double[] Probabilities(LabelledEpisode e) => probabilities.GetValue(e, x => [.. x.Candidates.Select(c => model.Probability(c.Features))]);
        return Baselines(new("model", Probabilities, (e, p) => registered.GetValue(e, x => new(model.RegisteredSourceProbability(x.Candidates, Probabilities(x), maxFlags))).Value, model.AbstainBelow));
    }

    static Method[] Baselines(Method model) =>
    [
        model,
        new("nearest source", e => [.. e.Candidates.Select(c => -c.Facts.DistanceKm)]),
        new("nearest source upwind", e => [.. e.Candidates.Select(c => (c.Facts.WindAlignment >= 0.5 ? 1000 : 0) - c.Facts.DistanceKm)]),
        new("plume model, reported emissions", e => [.. e.Candidates.Select(c => c.Facts.PlumeUgm3)]),
        new("upper bound: plume model, true emissions", e => e.TruePlume),
    ];

    public static MethodScore Score(Method method, IReadOnlyList<LabelledEpisode> episodes, int maxFlags, bool withAuc = true)
    {
        // Ranking is scored on incident episodes: those a registered source's abnormal emission raised.
        var registered = episodes.Where(e => e.Cause == LabelledEpisode.Incident).ToList();
        var flags = registered.Select(e => (Episode: e, Picked: Pick(method, e, maxFlags))).ToList();
        var flagged = flags.Where(f => f.Picked.Length > 0).ToList();
        var precision = new Rate(flagged.Count(f => f.Episode.Right[f.Picked[0]]), flagged.Count);
        var recall = new Rate(flags.Count(f => f.Picked.Any(i => f.Episode.Right[i])), flags.Count);
        Rate Flagged(string cause)
        {
            var of = episodes.Where(e => e.Cause == cause).ToList();
            return new Rate(of.Count(e => Pick(method, e, maxFlags).Length > 0), of.Count);
        }

        var (wrong, everyday, background) = (Flagged(LabelledEpisode.Unregistered), Flagged(LabelledEpisode.Everyday), Flagged(LabelledEpisode.Background));
        if (!withAuc)
        {
            return new MethodScore(method.Name, precision, recall, double.NaN, double.NaN, double.NaN, wrong, everyday, background);
        }

        var scored = registered.Select(e => (Scores: method.Scores(e), e.Right)).ToList();
        var auc = Auc(scored);
        var random = new Random(1);
        var samples = new List<double>(BootstrapSamples);
        for (var b = 0; b < BootstrapSamples && scored.Count > 0; b++)
        {
            var resample = Enumerable.Range(0, scored.Count).Select(_ => scored[random.Next(scored.Count)]).ToList();
            if (Auc(resample) is var a && !double.IsNaN(a))
            {
                samples.Add(a);
            }
        }

        samples.Sort();
        var (low, high) = samples.Count == 0 ? (double.NaN, double.NaN) : (samples[(int)(0.025 * samples.Count)], samples[Math.Min(samples.Count - 1, (int)(0.975 * samples.Count))]);
        return new MethodScore(method.Name, precision, recall, auc, low, high, wrong, everyday, background);
    }

    /// <summary>The candidates a method flags for an episode, most likely first: the model abstains when unsure; a baseline always flags its top few.</summary>
    public static int[] Pick(Method method, LabelledEpisode e, int maxFlags)
    {
        var scores = method.Scores(e);
        return method.RegisteredSource is { } registered
            ? FlagSelection.Pick(scores, registered(e, scores), method.AbstainBelow, maxFlags)
            : [.. Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(maxFlags)];
    }

    /// <summary>ROC AUC over every (candidate, label) pooled across episodes; ties count half (Mann–Whitney).</summary>
    static double Auc(IEnumerable<(double[] Scores, bool[] Right)> episodes)
    {
        var all = episodes.SelectMany(e => e.Scores.Select((s, i) => (Score: s, Right: e.Right[i]))).OrderBy(x => x.Score).ToArray();
        var positives = all.Count(x => x.Right);
        var negatives = all.Length - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }

        var rankSum = 0.0;
        for (var i = 0; i < all.Length;)
        {
            var j = i;
            while (j < all.Length && all[j].Score == all[i].Score)
            {
                j++;
            }

            var averageRank = (i + j + 1) / 2.0; // ranks i+1 .. j
            rankSum += all[i..j].Count(x => x.Right) * averageRank;
            i = j;
        }

        return (rankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    /// <summary>Calibration: candidates grouped by predicted probability, with the share that were right.</summary>
    public static IReadOnlyList<(double From, double To, int Candidates, double MeanPredicted, double Observed)> Calibration(IAttributionModel model, IReadOnlyList<LabelledEpisode> episodes)
    {
        var pairs = episodes.SelectMany(e => e.Candidates.Select((c, i) => (P: model.Probability(c.Features), Right: e.Right[i]))).ToList();
        double[] edges = [0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.7, 1.0001];
        return [.. edges.Zip(edges.Skip(1)).Select(b => (b.First, b.Second, Items: pairs.Where(p => p.P >= b.First && p.P < b.Second).ToList()))
            .Where(b => b.Items.Count > 0)
            .Select(b => (b.First, Math.Min(1, b.Second), b.Items.Count, b.Items.Average(p => p.P), b.Items.Average(p => p.Right ? 1.0 : 0)))];
    }
}
