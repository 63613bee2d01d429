using AirQuality.Analytics.Attribution;
using Xunit;

namespace AirQuality.Analytics.Tests.Attribution;

public sealed class LogisticModelTests
{
    static (List<double[]> Rows, List<bool> Labels) Synthetic(int seed, int count)
    {
        // The label depends on feature 0 through a known logistic curve; the other features are noise.
        var random = new Random(seed);
        var rows = new List<double[]>();
        var labels = new List<bool>();
        for (var i = 0; i < count; i++)
        {
            var x = Enumerable.Range(0, CandidateFeatures.Names.Count).Select(_ => random.NextDouble() * 4 - 2).ToArray();
            rows.Add(x);
            labels.Add(random.NextDouble() < 1 / (1 + Math.Exp(-3 * x[0])));
        }

        return (rows, labels);
    }

    [Fact]
    public void Fit_learns_the_informative_feature_and_its_probabilities_are_calibrated()
    {
        var (rows, labels) = Synthetic(1, 4000);
        var model = LogisticRegression.Fit(CandidateFeatures.Names, rows, labels, l2: 1);

        var weights = model.Weights;
        Assert.True(weights[0] > 3, $"The informative feature's weight is {weights[0]:0.00}.");
        Assert.All(weights.Skip(1), w => Assert.True(Math.Abs(w) < 0.3, $"A noise feature got weight {w:0.00}."));

        var (test, truth) = Synthetic(2, 4000);
        foreach (var (low, high) in new[] { (0.0, 0.2), (0.2, 0.5), (0.5, 0.8), (0.8, 1.0) })
        {
            var bin = test.Select((x, i) => (P: model.Probability(x), Y: truth[i])).Where(p => p.P >= low && p.P < high).ToList();
            Assert.True(bin.Count > 100);
            Assert.InRange(bin.Average(p => p.Y ? 1.0 : 0) - bin.Average(p => p.P), -0.06, 0.06);
        }

        var contributions = model.Contributions(test[0]);
        Assert.Equal(model.Probability(test[0]), 1 / (1 + Math.Exp(-(model.Intercept + contributions.Sum(c => c.LogOdds)))), 9);
    }

    [Fact]
    public void A_saved_model_loads_with_the_same_probabilities_and_a_file_for_other_features_or_an_older_format_is_refused()
    {
        var (rows, labels) = Synthetic(3, 500);
        var episodeRows = rows.Take(100).Select(x => x[..EpisodeEvidence.Names.Count]).ToList();
        var model = new LogisticModel(new ModelFile(ModelFile.CurrentFormat, "v-test", "test", DateTimeOffset.UnixEpoch, "synthetic", 500, 500, labels.Count(l => l), 1,
            LogisticRegression.Fit(CandidateFeatures.Names, rows, labels, 1), LogisticRegression.Fit(EpisodeEvidence.Names, episodeRows, labels[..100], 1), 0.5,
            new Dictionary<string, double>())).With(0.3, new Dictionary<string, double> { ["recall_at_3"] = 0.9 });
        var path = Path.Combine(Path.GetTempPath(), $"airq-model-{Guid.NewGuid():N}.json");
        try
        {
            model.Save(path);
            var loaded = LogisticModel.Load(path);
            Assert.Equal("v-test", loaded.Version);
            Assert.Equal(0.3, loaded.AbstainBelow);
            Assert.Equal(0.9, loaded.File.TrainingMetrics["recall_at_3"]);
            Assert.All(rows.Take(50), x => Assert.Equal(model.Probability(x), loaded.Probability(x), 12));
            Assert.All(episodeRows.Take(50), x => Assert.Equal(model.File.Episode.Probability(x), loaded.File.Episode.Probability(x), 12));

            var saved = File.ReadAllText(path);
            foreach (var (name, other) in new[] { ("\"log_distance_km\"", "\"some_other_feature\""), ("\"top_log_odds\"", "\"another_feature\""), (ModelFile.CurrentFormat, "airq-attribution-model/1") })
            {
                File.WriteAllText(path, saved.Replace(name, other, StringComparison.Ordinal));
                var error = Assert.Throws<InvalidOperationException>(() => LogisticModel.Load(path));
                Assert.Contains("./airq model train", error.Message, StringComparison.Ordinal);
            }
        }
        finally
        {
            File.Delete(path);
        }

        Assert.Contains("airq model train", Assert.Throws<InvalidOperationException>(() => LogisticModel.Load(path)).Message, StringComparison.Ordinal);
    }
}
