using AirQuality.Attribution.Model;
using Xunit;

namespace AirQuality.Attribution.Tests.Model;

public sealed class BinaryClassifierTests
{
    static readonly string[] Names = ["signal", "noise_a", "noise_b", "sometimes_missing"];

    /// <summary>
    /// The label follows "signal" through a known logistic curve; "sometimes_missing" carries the same signal where it
    /// was measured and is NaN (not measured) for a third of the rows; the rest is noise. Folds as four "worlds".
    /// </summary>
    static (List<double[]> Rows, List<bool> Labels, List<int> Folds) Synthetic(int seed, int count)
    {
        var random = new Random(seed);
        var (rows, labels, folds) = (new List<double[]>(), new List<bool>(), new List<int>());
        for (var i = 0; i < count; i++)
        {
            var signal = random.NextDouble() * 4 - 2;
            rows.Add([signal, random.NextDouble(), random.NextDouble(), random.NextDouble() < 1 / 3.0 ? double.NaN : signal + 0.5 * (random.NextDouble() - 0.5)]);
            labels.Add(random.NextDouble() < 1 / (1 + Math.Exp(-3 * signal)));
            folds.Add(i % 4);
        }

        return (rows, labels, folds);
    }

    [Theory]
    [InlineData(BinaryClassifier.LogisticRegression)]
    [InlineData(BinaryClassifier.FastTree)]
    [InlineData(BinaryClassifier.LightGbm)]
    public void Each_trainer_learns_the_signal_its_probabilities_are_calibrated_and_missing_values_are_taken(string trainer)
    {
        var (rows, labels, folds) = Synthetic(1, 3000);
        var (model, outOfFold) = BinaryClassifier.Fit(trainer, Names, rows, labels, folds);
        Assert.Equal(rows.Count, outOfFold.Length);

        var (test, truth, _) = Synthetic(2, 3000);
        var predicted = test.Select(x => model.Probability(x)).ToList();
        Assert.All(predicted, p => Assert.InRange(p, 0, 1));
        foreach (var (low, high) in new[] { (0.0, 0.2), (0.2, 0.5), (0.5, 0.8), (0.8, 1.0) })
        {
            var bin = predicted.Select((p, i) => (P: p, Y: truth[i])).Where(p => p.P >= low && p.P < high).ToList();
            Assert.True(bin.Count > 100, $"{trainer}: {bin.Count} predictions in {low}-{high}.");
            Assert.InRange(bin.Average(p => p.Y ? 1.0 : 0) - bin.Average(p => p.P), -0.08, 0.08);
        }

        // A row with nothing measured but the signal is still scored by the signal.
        Assert.True(model.Probability([1.5, 0.5, 0.5, double.NaN]) > 0.8, $"{trainer}: {model.Probability([1.5, 0.5, 0.5, double.NaN]):0.000} with the second signal missing.");
        Assert.True(model.Probability([-1.5, 0.5, 0.5, double.NaN]) < 0.2, $"{trainer}: {model.Probability([-1.5, 0.5, 0.5, double.NaN]):0.000} with the second signal missing.");
        // The signal pushes the score most; what was not measured is never named as evidence.
        var contributions = model.Contributions([1.5, 0.5, 0.5, double.NaN]);
        Assert.Equal("signal", contributions[0].Feature);
        Assert.DoesNotContain(contributions, c => c.Feature == "sometimes_missing");
    }

    [Fact]
    public void The_trainer_with_the_lowest_out_of_fold_log_loss_is_kept()
    {
        var (rows, labels, folds) = Synthetic(3, 1500);
        var (model, outOfFold, losses) = BinaryClassifier.FitBest([BinaryClassifier.LogisticRegression, BinaryClassifier.FastTree], Names, rows, labels, folds);
        Assert.Equal(2, losses.Count);
        Assert.Equal(losses.MinBy(l => l.Value).Key, model.Trainer);
        Assert.Equal(losses[model.Trainer], Math.Round(BinaryClassifier.LogLoss(outOfFold, labels), 5));
        // Out of fold the model is worse than a coin's 0.693 only if it learnt nothing.
        Assert.True(losses[model.Trainer] < 0.55, $"Log loss {losses[model.Trainer]:0.000}.");
    }

    [Fact]
    public void A_saved_classifier_loads_with_the_same_probabilities_and_contributions()
    {
        var (rows, labels, folds) = Synthetic(4, 800);
        var (model, _) = BinaryClassifier.Fit(BinaryClassifier.FastTree, Names, rows, labels, folds);
        var path = Path.Combine(Path.GetTempPath(), $"airq-classifier-{Guid.NewGuid():N}.zip");
        try
        {
            model.Save(path);
            var loaded = BinaryClassifier.Load(path, model.Trainer, Names, model.Slope, model.Offset);
            Assert.All(rows.Take(50), x => Assert.Equal(model.Probability(x), loaded.Probability(x), 12));
            Assert.Equal(model.Contributions(rows[0]), loaded.Contributions(rows[0]));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
