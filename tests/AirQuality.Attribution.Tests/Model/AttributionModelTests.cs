using AirQuality.Attribution;
using AirQuality.Attribution.Model;
using Xunit;

namespace AirQuality.Attribution.Tests.Model;

public sealed class AttributionModelTests
{
    [Fact]
    public void A_saved_model_loads_with_the_same_answers_and_a_file_for_other_features_or_an_older_format_or_without_its_classifiers_is_refused()
    {
        var random = new Random(5);
        double[] Row(int width) => [.. Enumerable.Range(0, width).Select(_ => random.NextDouble() * 4 - 2)];
        var candidateRows = Enumerable.Range(0, 400).Select(_ => Row(CandidateFeatures.Names.Count)).ToList();
        var episodeRows = Enumerable.Range(0, 200).Select(_ => Row(EpisodeEvidence.Names.Count)).ToList();
        var (candidate, _) = BinaryClassifier.Fit(BinaryClassifier.LogisticRegression, CandidateFeatures.Names, candidateRows, [.. candidateRows.Select(x => x[0] > 0)], [.. candidateRows.Select((_, i) => i % 2)]);
        var (episode, _) = BinaryClassifier.Fit(BinaryClassifier.LogisticRegression, EpisodeEvidence.Names, episodeRows, [.. episodeRows.Select(x => x[1] > 0)], [.. episodeRows.Select((_, i) => i % 2)]);
        var folder = Path.Combine(Path.GetTempPath(), $"airq-model-{Guid.NewGuid():N}");
        var path = Path.Combine(folder, "model.json");
        var (candidateFile, episodeFile) = AttributionModel.FileNames(path);
        var model = new AttributionModel(new ModelFile(ModelFile.CurrentFormat, "v-test", DateTimeOffset.UnixEpoch, "synthetic", 200, 400, 200,
            new ClassifierFile(candidate.Trainer, candidateFile, CandidateFeatures.Names, candidate.Slope, candidate.Offset, new Dictionary<string, double>()),
            new ClassifierFile(episode.Trainer, episodeFile, EpisodeEvidence.Names, episode.Slope, episode.Offset, new Dictionary<string, double>()),
            0.5, 0.5, new Dictionary<string, double>()), candidate, episode).With(0.3, 0.6, new Dictionary<string, double> { ["inspection_yield"] = 0.7 });
        try
        {
            model.Save(path);
            var loaded = AttributionModel.Load(path);
            Assert.Equal("v-test", loaded.Version);
            Assert.Equal((0.3, 0.6), (loaded.AbstainBelow, loaded.InspectAtOrAbove));
            Assert.Equal(0.7, loaded.File.TrainingMetrics["inspection_yield"]);
            Assert.All(candidateRows.Take(50), x => Assert.Equal(model.Probability(x), loaded.Probability(x), 12));

            var saved = File.ReadAllText(path);
            foreach (var (name, other) in new[] { ("\"log_distance_km\"", "\"some_other_feature\""), ("\"top_log_odds\"", "\"another_feature\""), (ModelFile.CurrentFormat, "airq-attribution-model/2") })
            {
                File.WriteAllText(path, saved.Replace(name, other, StringComparison.Ordinal));
                var error = Assert.Throws<AttributionModelException>(() => AttributionModel.Load(path));
                Assert.Contains("must be trained again", error.Message, StringComparison.Ordinal);
                Assert.DoesNotContain("./airq", error.Message, StringComparison.Ordinal); // the command line adds how (CommandHints)
            }

            File.WriteAllText(path, saved);
            File.Delete(Path.Combine(folder, episodeFile));
            Assert.Contains(episodeFile, Assert.Throws<AttributionModelException>(() => AttributionModel.Load(path)).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        Assert.Contains($"No attribution model at {path} (Attribution:ModelPath)", Assert.Throws<AttributionModelException>(() => AttributionModel.Load(path)).Message, StringComparison.Ordinal);
    }
}
