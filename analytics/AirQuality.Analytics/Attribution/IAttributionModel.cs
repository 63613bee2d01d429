namespace AirQuality.Analytics.Attribution;

/// <summary>
/// A trained model that scores a candidate source for an episode: the seam where ML.NET (not obtainable here) could
/// replace the in-house <see cref="LogisticModel"/>.
/// </summary>
public interface IAttributionModel
{
    /// <summary>Names the model and its training run; stored with every flag.</summary>
    string Version { get; }

    /// <summary>The feature names it expects, in order.</summary>
    IReadOnlyList<string> Features { get; }

    /// <summary>Below this top probability the model abstains: no registered source explains the episode.</summary>
    double AbstainBelow { get; }

    /// <summary>Calibrated probability (0–1) that the candidate caused the episode.</summary>
    double Probability(ReadOnlySpan<double> features);

    /// <summary>Each feature's push on the log-odds against an average candidate, largest first.</summary>
    IReadOnlyList<(string Feature, double LogOdds)> Contributions(ReadOnlySpan<double> features);
}
