namespace AirQuality.Reports;

/// <summary>A row of <c>source_flags</c> with its pollution source and its episode, as a report shows it.</summary>
/// <remarks>
/// <see cref="Probability"/> from 0 to 1; <see cref="Latitude"/> and <see cref="Longitude"/> in WGS84 degrees. <see cref="AnomalyRank"/>
/// is the rank of the flagged episode in the same report (0 when the episode is not among its anomalies: its sensors are in
/// another team's districts). <see cref="EpisodeStart"/> (inclusive) and <see cref="EpisodeEnd"/> (exclusive) are UTC;
/// <see cref="EpisodeDistricts"/> names the districts of the episode's sensors. <see cref="ToInspect"/>: the probability
/// reached the model's inspection threshold when the flag was written.
/// </remarks>
public sealed record ReportSourceFlag(
    long FlagId, long AnomalyId, int AnomalyRank, int Rank, string SourceId, string Name, string Category, string DistrictId, string Address,
    double Latitude, double Longitude, double Probability, bool ToInspect, string Explanation,
    DateTime EpisodeStart, DateTime EpisodeEnd, IReadOnlyList<string> EpisodeDistricts);
