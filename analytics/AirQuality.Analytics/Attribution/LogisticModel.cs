using System.Text.Json;

namespace AirQuality.Analytics.Attribution;

/// <summary>
/// Two L2-regularised logistic regressions (<see cref="LogisticRegression"/>): one scores each candidate source of an
/// episode, the other, on the episode's evidence (<see cref="EpisodeEvidence"/>), how likely it is that a registered
/// source among the best few is behind it at all, which decides whether to flag or abstain.
/// </summary>
/// <remarks>Lifecycle as in ML.NET: fit (<c>ModelTrainer</c>), evaluate (<c>ModelEvaluation</c>), <see cref="Save"/>, <see cref="Load"/>.</remarks>
public sealed class LogisticModel(ModelFile file) : IAttributionModel
{
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public ModelFile File { get; } = file;

    public string Version => File.Version;

    public IReadOnlyList<string> Features => File.Candidate.Features;

    public double AbstainBelow => File.AbstainBelow;

    public double InspectAtOrAbove => File.InspectAtOrAbove;

    /// <summary>The same model with another abstention threshold and training metrics recorded.</summary>
    public LogisticModel With(double abstainBelow, IReadOnlyDictionary<string, double> metrics) =>
        new(File with { AbstainBelow = abstainBelow, TrainingMetrics = metrics });

    public double Probability(ReadOnlySpan<double> features) => File.Candidate.Probability(features);

    public double RegisteredSourceProbability(IReadOnlyList<Candidate> candidates, IReadOnlyList<double> probabilities, int maxFlags) =>
        candidates.Count == 0 ? 0 : File.Episode.Probability(EpisodeEvidence.Compute(candidates, probabilities, maxFlags));

    public IReadOnlyList<(string Feature, double LogOdds)> Contributions(ReadOnlySpan<double> features) => File.Candidate.Contributions(features);

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        System.IO.File.WriteAllText(temporary, JsonSerializer.Serialize(File, Json) + "\n");
        System.IO.File.Move(temporary, path, overwrite: true);
    }

    public static LogisticModel Load(string path)
    {
        if (!System.IO.File.Exists(path))
        {
            throw new InvalidOperationException($"No attribution model at {path}: train one with ./airq model train (or set Attribution:ModelPath).");
        }

        var text = System.IO.File.ReadAllText(path);
        var format = JsonDocument.Parse(text).RootElement.TryGetProperty(nameof(ModelFile.Format), out var f) ? f.GetString() : null;
        if (format != ModelFile.CurrentFormat)
        {
            throw new InvalidOperationException($"{path} is a \"{format}\" model; this version reads \"{ModelFile.CurrentFormat}\". Retrain with ./airq model train.");
        }

        var file = JsonSerializer.Deserialize<ModelFile>(text) ?? throw new InvalidOperationException($"{path} is empty.");
        foreach (var (model, names) in new[] { (file.Candidate, CandidateFeatures.Names), (file.Episode, EpisodeEvidence.Names) })
        {
            if (!model.Features.SequenceEqual(names) || model.Weights.Length != names.Count || model.Means.Length != names.Count || model.Scales.Length != names.Count)
            {
                throw new InvalidOperationException($"{path} was trained on other features ({string.Join(", ", model.Features)}). Retrain with ./airq model train.");
            }
        }

        return new LogisticModel(file);
    }
}
