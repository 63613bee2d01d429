using System.Text.Json;

namespace AirQuality.Attribution.Model;

/// <summary>
/// The trained attribution model: a Microsoft.ML classifier scores each candidate source of an episode (the
/// probability that its abnormal emission raised the episode), another, on the episode's evidence
/// (<see cref="EpisodeEvidence"/>), how likely it is that a registered source's incident among the best few is behind
/// it at all, which decides whether to flag or abstain.
/// </summary>
/// <remarks>Lifecycle: fit (<c>ModelTrainer</c>), evaluate (<c>ModelEvaluation</c>), <see cref="Save"/>, <see cref="Load"/>.</remarks>
public sealed class AttributionModel(ModelFile file, BinaryClassifier candidate, BinaryClassifier episode) : IAttributionModel
{
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public ModelFile File { get; } = file;

    public string Version => File.Version;

    public IReadOnlyList<string> Features => candidate.Features;

    public double AbstainBelow => File.AbstainBelow;

    public double InspectAtOrAbove => File.InspectAtOrAbove;

    /// <summary>The same model with other thresholds and training metrics recorded.</summary>
    public AttributionModel With(double abstainBelow, double inspectAtOrAbove, IReadOnlyDictionary<string, double> metrics) =>
        new(File with { AbstainBelow = abstainBelow, InspectAtOrAbove = inspectAtOrAbove, TrainingMetrics = metrics }, candidate, episode);

    // The candidate classifier reads its features by name from the current vector, so a model trained before features
    // were added still scores on exactly the evidence it was trained on.
    readonly int[] _candidateInputs = [.. candidate.Features.Select(CandidateFeatures.Index)];

    public double Probability(ReadOnlySpan<double> features) => candidate.Probability(Inputs(features));

    public double RegisteredSourceProbability(IReadOnlyList<Candidate> candidates, IReadOnlyList<double> probabilities, int maxFlags) =>
        candidates.Count == 0 ? 0 : episode.Probability(EpisodeEvidence.Compute(candidates, probabilities, maxFlags));

    public IReadOnlyList<(string Feature, double LogOdds)> Contributions(ReadOnlySpan<double> features) => candidate.Contributions(Inputs(features));

    /// <summary>The model's own features, by name, out of a vector in <see cref="CandidateFeatures.Names"/> order.</summary>
    ReadOnlySpan<double> Inputs(ReadOnlySpan<double> features)
    {
        if (features.Length != CandidateFeatures.Names.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(features), features.Length, $"A candidate's vector has {CandidateFeatures.Names.Count} features (CandidateFeatures.Names).");
        }

        if (_candidateInputs.Length == features.Length && _candidateInputs.Select((index, i) => index == i).All(same => same))
        {
            return features;
        }

        var inputs = new double[_candidateInputs.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            inputs[i] = features[_candidateInputs[i]];
        }

        return inputs;
    }

    /// <summary>Writes the sidecar to <paramref name="path"/> and each classifier's ML.NET model beside it, replacing what was there.</summary>
    public void Save(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        candidate.Save(Path.Combine(folder, File.Candidate.File));
        episode.Save(Path.Combine(folder, File.Episode.File));
        var temporary = path + ".tmp";
        System.IO.File.WriteAllText(temporary, JsonSerializer.Serialize(File, Json) + "\n");
        System.IO.File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The names a model saved at <paramref name="path"/> gives its classifiers' files.</summary>
    public static (string Candidate, string Episode) FileNames(string path)
    {
        var stem = Path.GetFileNameWithoutExtension(path);
        return ($"{stem}.candidate.zip", $"{stem}.episode.zip");
    }

    public static AttributionModel Load(string path)
    {
        if (!System.IO.File.Exists(path))
        {
            throw new AttributionModelException($"No attribution model at {path} (Attribution:ModelPath): none has been trained there.");
        }

        var text = System.IO.File.ReadAllText(path);
        var format = JsonDocument.Parse(text).RootElement.TryGetProperty(nameof(ModelFile.Format), out var f) ? f.GetString() : null;
        if (format != ModelFile.CurrentFormat)
        {
            throw new AttributionModelException($"{path} is a \"{format}\" model; this version reads \"{ModelFile.CurrentFormat}\", so the model must be trained again.");
        }

        var file = JsonSerializer.Deserialize<ModelFile>(text) ?? throw new AttributionModelException($"{path} is empty.");
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        // A candidate model may have been trained on fewer features than are computed now (it reads its own by name);
        // the episode model's evidence must be the same.
        BinaryClassifier Classifier(ClassifierFile c, IReadOnlyList<string> names, bool subsetAllowed)
        {
            if (subsetAllowed ? !c.Features.All(names.Contains) || c.Features.Distinct().Count() != c.Features.Count : !c.Features.SequenceEqual(names))
            {
                throw new AttributionModelException($"{path} was trained on other features ({string.Join(", ", c.Features)}), so the model must be trained again.");
            }

            var zip = Path.Combine(folder, c.File);
            return System.IO.File.Exists(zip)
                ? BinaryClassifier.Load(zip, c.Trainer, c.Features, c.Slope, c.Offset)
                : throw new AttributionModelException($"{path} names the model file {c.File}, which is not beside it, so the model must be trained again.");
        }

        return new AttributionModel(file, Classifier(file.Candidate, CandidateFeatures.Names, subsetAllowed: true), Classifier(file.Episode, EpisodeEvidence.Names, subsetAllowed: false));
    }
}
