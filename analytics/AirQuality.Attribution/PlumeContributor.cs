namespace AirQuality.Attribution;

/// <summary>
/// The registered source that dominates an episode's modelled contribution on reported emissions: its share (0.5–1)
/// of all candidates' plume, its plume in µg/m³ summed over the episode's sensor-hours, and the episode's length in hours.
/// </summary>
public sealed record PlumeContributor(int Source, string SourceId, double PlumeShare, double PlumeUgm3, int EpisodeHours)
{
    /// <summary>The least share of the modelled contribution that makes a source the episode's dominant contributor.</summary>
    public const double MinShare = 0.5;
}
