namespace AirQuality.Reports;

/// <summary>
/// What source attribution found on a day for the team: <see cref="HasRun"/> is false when attribution has not run for
/// that day at all (no <c>episode_attributions</c> rows), which the report says plainly. <see cref="Flags"/> are every
/// flag of the day on a source in the team's districts, whichever district the episode's sensors were in, most probable
/// first; <see cref="WithoutRegisteredSource"/> the team's own episodes that no registered source explains.
/// </summary>
public sealed record AttributionSection(bool HasRun, IReadOnlyList<ReportSourceFlag> Flags, IReadOnlyList<EpisodeVerdict> WithoutRegisteredSource)
{
    /// <summary>The sources with a flag at or above the inspection threshold, each once, most probable first.</summary>
    public IReadOnlyList<ReportSource> ToInspect { get; } = [.. ReportSource.Group(Flags).Where(s => s.ToInspect)];

    /// <summary>The other flagged sources (every flag below the threshold), each once, most probable first.</summary>
    public IReadOnlyList<ReportSource> AlsoNear { get; } = [.. ReportSource.Group(Flags).Where(s => !s.ToInspect)];
}
