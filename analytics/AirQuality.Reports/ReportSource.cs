namespace AirQuality.Reports;

/// <summary>
/// One pollution source as the report lists it: once, however many of the day's episodes it was flagged for.
/// <see cref="Probability"/> is the highest of its flags (0–1) and <see cref="Explanation"/> that flag's;
/// <see cref="Flags"/> are all its flags, by episode start.
/// </summary>
public sealed record ReportSource(
    string SourceId, string Name, string Category, string DistrictId, string Address, double Latitude, double Longitude,
    double Probability, bool ToInspect, string Explanation, IReadOnlyList<ReportSourceFlag> Flags)
{
    /// <summary>
    /// The sources of <paramref name="flags"/>, each once, most probable first (then by source id). A source is to
    /// inspect when any of its flags is; its other flags are listed with it.
    /// </summary>
    public static IReadOnlyList<ReportSource> Group(IEnumerable<ReportSourceFlag> flags) =>
        [.. flags.GroupBy(f => f.SourceId, StringComparer.Ordinal)
            .Select(g =>
            {
                var best = g.OrderByDescending(f => f.Probability).ThenBy(f => f.FlagId).First();
                return new ReportSource(best.SourceId, best.Name, best.Category, best.DistrictId, best.Address, best.Latitude, best.Longitude,
                    best.Probability, g.Any(f => f.ToInspect), best.Explanation,
                    [.. g.OrderBy(f => f.EpisodeStart).ThenBy(f => f.AnomalyId)]);
            })
            .OrderByDescending(s => s.Probability).ThenBy(s => s.SourceId, StringComparer.Ordinal)];
}
