namespace AirQuality.Attribution.Model;

/// <summary>
/// The JSON sidecar of a trained <see cref="AttributionModel"/>: what it is, what it was trained on, its two
/// classifiers (which source, and whether a registered source at all) and the thresholds that turn their
/// probabilities into flags and into sources to inspect.
/// </summary>
/// <remarks>
/// <see cref="AbstainBelow"/>: below this probability that a registered source's incident is behind an episode, no source is flagged.
/// <see cref="InspectAtOrAbove"/>: a flagged source is listed to inspect from this probability; below it, under "also near".
/// Each classifier's ML.NET model file lies beside the sidecar.
/// </remarks>
public sealed record ModelFile(
    string Format, string Version, DateTimeOffset TrainedAt, string TrainingData, int TrainingEpisodes, int TrainingCandidates, int Positives,
    ClassifierFile Candidate, ClassifierFile Episode, double AbstainBelow, double InspectAtOrAbove, IReadOnlyDictionary<string, double> TrainingMetrics)
{
    /// <summary>Version 3: Microsoft.ML classifiers beside the sidecar; 2 was two hand-fitted logistic regressions inside it.</summary>
    public const string CurrentFormat = "airq-attribution-model/3";
}

/// <summary>
/// One classifier of the model: the ML.NET trainer chosen, its model file (beside the sidecar), its features in order,
/// the out-of-fold Platt calibration, and each trainer's out-of-fold log loss that the choice was made on.
/// </summary>
public sealed record ClassifierFile(string Trainer, string File, IReadOnlyList<string> Features, double Slope, double Offset, IReadOnlyDictionary<string, double> OutOfFoldLogLoss);
