namespace AirQuality.Attribution;

/// <summary>
/// A trained model that scores the candidate sources of an episode and whether to flag any (<see cref="Model.AttributionModel"/>,
/// Microsoft.ML classifiers); attribution and the evaluation see only this.
/// </summary>
public interface IAttributionModel
{
    /// <summary>Names the model and its training run; stored with every flag.</summary>
    string Version { get; }

    /// <summary>The candidate feature names it expects, in order.</summary>
    IReadOnlyList<string> Features { get; }

    /// <summary>Below this <see cref="RegisteredSourceProbability"/> the model abstains: no registered source explains the episode.</summary>
    double AbstainBelow { get; }

    /// <summary>A flagged source at or above this probability is listed to inspect; below it, under "also near".</summary>
    double InspectAtOrAbove { get; }

    /// <summary>Calibrated probability (0–1) that the candidate caused the episode.</summary>
    double Probability(ReadOnlySpan<double> features);

    /// <summary>Probability (0–1) that one of the <paramref name="maxFlags"/> likeliest candidates caused the episode, rather than an emitter outside the registry.</summary>
    double RegisteredSourceProbability(IReadOnlyList<Candidate> candidates, IReadOnlyList<double> probabilities, int maxFlags);

    /// <summary>Each feature's push on the candidate's log-odds against an average candidate, largest first.</summary>
    IReadOnlyList<(string Feature, double LogOdds)> Contributions(ReadOnlySpan<double> features);
}
