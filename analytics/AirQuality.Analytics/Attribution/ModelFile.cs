namespace AirQuality.Analytics.Attribution;

/// <summary>
/// The JSON file a trained <see cref="LogisticModel"/> is saved in: what it is, what it was trained on, and its
/// coefficients on standardised features (z = (x − mean) / scale).
/// </summary>
public sealed record ModelFile(
    string Format, string Version, string Kind, DateTimeOffset TrainedAt, string TrainingData, int TrainingEpisodes, int TrainingCandidates, int Positives,
    double L2, IReadOnlyList<string> Features, double[] Means, double[] Scales, double[] Weights, double Intercept, double AbstainBelow,
    IReadOnlyDictionary<string, double> TrainingMetrics)
{
    public const string CurrentFormat = "airq-attribution-model/1";
}
