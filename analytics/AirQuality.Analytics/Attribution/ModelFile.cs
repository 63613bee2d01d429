namespace AirQuality.Analytics.Attribution;

/// <summary>
/// The JSON file a trained <see cref="LogisticModel"/> is saved in: what it is, what it was trained on, the candidate
/// model (which source), the episode model (whether a registered source at all) and the threshold on the latter
/// below which attribution abstains, and the probability from which a flagged source is listed to inspect (0 in
/// files written before it: every flag).
/// </summary>
public sealed record ModelFile(
    string Format, string Version, string Kind, DateTimeOffset TrainedAt, string TrainingData, int TrainingEpisodes, int TrainingCandidates, int Positives,
    double L2, LogisticRegression Candidate, LogisticRegression Episode, double AbstainBelow, IReadOnlyDictionary<string, double> TrainingMetrics,
    double InspectAtOrAbove = 0)
{
    /// <summary>Version 2 added the episode model; version 1 abstained on the best candidate's probability.</summary>
    public const string CurrentFormat = "airq-attribution-model/2";
}
