namespace AirQuality.Reports;

/// <summary>
/// A row of the view <c>persistent_contributors</c> with its source: the episodes, and their hours, in which the plume
/// model on reported emissions put at least half of the modelled contribution on the source during the week, and the
/// same for the week before (the trend). <see cref="MeanPlumeShare"/> 0.5–1.
/// </summary>
public sealed record PersistentContributor(
    string SourceId, string Name, string Category, string DistrictId, string Address,
    int Episodes, int EpisodeHours, double MeanPlumeShare, int PreviousEpisodes, int PreviousEpisodeHours);
