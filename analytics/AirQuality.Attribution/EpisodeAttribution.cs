namespace AirQuality.Attribution;

/// <summary>
/// What attribution concluded for one episode: the verdict (see <c>episode_attributions.verdict</c>), its summary in
/// words, the probability that a registered source among the likeliest is behind it, and the flags, most likely first.
/// </summary>
public sealed record EpisodeAttribution(AttributionEpisode Episode, string Verdict, string Summary, int Candidates, double RegisteredSourceProbability, IReadOnlyList<SourceFlag> Flags)
{
    /// <summary>
    /// The source the plume model on reported emissions puts at least half of the modelled contribution on, whatever
    /// the verdict (an everyday emission that dominates is a permit matter, not an incident); null when none does.
    /// </summary>
    public PlumeContributor? Contributor { get; init; }

    public const string RegisteredSource = "registered_source";
    public const string UnregisteredEmitter = "unregistered_emitter";
    public const string NoCandidates = "no_candidates";
}

/// <summary>
/// A flagged source: rank from 1, calibrated probability, whether that reaches the model's inspection threshold
/// (<see cref="IAttributionModel.InspectAtOrAbove"/>: listed to inspect, else only "also near"), the explanation and the features scored
/// (null for what the network did not measure, as <c>source_flags.features</c> stores it).
/// </summary>
public sealed record SourceFlag(int Rank, int Source, string SourceId, double Probability, bool ToInspect, string Explanation, IReadOnlyDictionary<string, double?> Features);
