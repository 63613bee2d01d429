namespace AirQuality.Analytics.Attribution.Evaluation;

/// <summary>
/// An episode detected in a simulated world, its candidates with features, and the truth: which candidates are right
/// (<see cref="Right"/>), what caused it (<see cref="Cause"/>), and the upper bound's scores (the plume model on true emissions).
/// </summary>
public sealed record LabelledEpisode(
    string World, AttributionEpisode Episode, string Cause, bool IncidentDriven, string TrueCulprit,
    IReadOnlyList<Candidate> Candidates, bool[] Right, double[] TruePlume)
{
    /// <summary>A registered source (at least one candidate is right).</summary>
    public const string Registered = "registered";

    /// <summary>An emitter outside the registry was the largest contributor and no registered source was.</summary>
    public const string Unregistered = "unregistered";

    /// <summary>No emitter explains a good share of it: weather, humidity on cheap sensors, noise.</summary>
    public const string Background = "background";
}
