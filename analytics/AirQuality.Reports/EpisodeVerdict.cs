namespace AirQuality.Reports;

/// <summary>A pollution episode for which attribution flagged no registered source (<c>episode_attributions</c> verdict <c>unregistered_emitter</c> or <c>no_candidates</c>), with its summary.</summary>
public sealed record EpisodeVerdict(long AnomalyId, int AnomalyRank, string Verdict, string Summary)
{
    public const string UnregisteredEmitter = "unregistered_emitter";
    public const string NoCandidates = "no_candidates";
}
