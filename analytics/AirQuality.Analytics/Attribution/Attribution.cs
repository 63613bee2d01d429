namespace AirQuality.Analytics.Attribution;

/// <summary>
/// What attribution concluded for one episode: the verdict (see <c>episode_attributions.verdict</c>), its summary in
/// words, the probability that a registered source among the likeliest is behind it, and the flags, most likely first.
/// </summary>
public sealed record Attribution(AttributionEpisode Episode, string Verdict, string Summary, int Candidates, double RegisteredSourceProbability, IReadOnlyList<SourceFlag> Flags)
{
    public const string RegisteredSource = "registered_source";
    public const string UnregisteredEmitter = "unregistered_emitter";
    public const string NoCandidates = "no_candidates";
}

/// <summary>A source flagged for inspection: rank from 1, calibrated probability, the explanation and the features scored.</summary>
public sealed record SourceFlag(int Rank, int Source, string SourceId, double Probability, string Explanation, IReadOnlyDictionary<string, double> Features);
