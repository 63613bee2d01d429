namespace AirQuality.Analytics.Reports;

/// <summary>
/// What source attribution found for a team's episodes on a day: <see cref="HasRun"/> is false when attribution has
/// not run for that day at all (no <c>episode_attributions</c> rows), which the report says plainly.
/// </summary>
public sealed record AttributionSection(bool HasRun, IReadOnlyList<ReportSourceFlag> Flags, IReadOnlyList<EpisodeVerdict> WithoutRegisteredSource);
