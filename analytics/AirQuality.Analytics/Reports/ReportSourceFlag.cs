namespace AirQuality.Analytics.Reports;

/// <summary>A row of <c>source_flags</c> with its pollution source, as a report shows it.</summary>
/// <remarks>
/// <see cref="Probability"/> from 0 to 1; <see cref="Latitude"/> and <see cref="Longitude"/> in WGS84 degrees. <see cref="AnomalyRank"/>
/// is the rank of the flagged episode in the same report (0 when the episode is not among its anomalies).
/// </remarks>
public sealed record ReportSourceFlag(
    long FlagId, long AnomalyId, int AnomalyRank, int Rank, string SourceId, string Name, string Category, string Address,
    double Latitude, double Longitude, double Probability, string Explanation)
{
    /// <summary>The command an officer runs to record what the inspection found (built by the attribution stage).</summary>
    public string OutcomeCommand => $"./airq outcome record --flag {FlagId} --finding confirmed|not_confirmed [--notes \"...\"]";
}
