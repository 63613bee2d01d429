namespace AirQuality.Attribution.Training;

/// <summary>
/// An episode detected in a simulated world, its candidates with features, and the truth: which candidates are right
/// (<see cref="Right"/>: they emitted abnormally and that raised the episode), which had an incident under way in its
/// window at all (<see cref="IncidentThen"/>), what caused it (<see cref="Cause"/>), and the upper bound's scores (the
/// plume model on true emissions).
/// </summary>
public sealed record LabelledEpisode(
    string World, AttributionEpisode Episode, string Cause, string TrueCulprit,
    IReadOnlyList<Candidate> Candidates, bool[] Right, bool[] IncidentThen, double[] TruePlume)
{
    /// <summary>A registered source's incident (emission above its own usual) raised the episode: an inspection target.</summary>
    public const string Incident = "incident";

    /// <summary>A registered source's usual emission was the largest contributor: a permit matter, not an inspection target.</summary>
    public const string Everyday = "everyday";

    /// <summary>An emitter outside the registry (open burning, cooking) raised the episode and no registered incident did.</summary>
    public const string Unregistered = "unregistered";

    /// <summary>No emitter explains a good share of it: weather, humidity on cheap sensors, noise.</summary>
    public const string Background = "background";

    public static readonly IReadOnlyList<string> Causes = [Incident, Everyday, Unregistered, Background];
}
