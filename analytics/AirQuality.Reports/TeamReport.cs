namespace AirQuality.Reports;

/// <summary>Everything one team's daily report says about one local day, read from the database by <see cref="ReportQueries"/>.</summary>
/// <remarks>
/// <see cref="Anomalies"/> holds the team's pollution anomalies, most severe first; <see cref="Faults"/> the sensor faults (rank 0), which <see cref="Health"/> lists per sensor.
/// <see cref="Contributors"/> is the weekly permit-review section, only on the report of a Sunday (sent on Monday; <see cref="WeeklyContributors.IsDue"/>), else null.
/// </remarks>
public sealed record TeamReport(
    EnforcementTeam Team, DateOnly Day, TimeZoneInfo Zone, IReadOnlyList<DistrictHeadline> Districts,
    IReadOnlyList<ReportAnomaly> Anomalies, IReadOnlyList<ReportAnomaly> Faults, AttributionSection Attribution, DataHealth Health,
    WeeklyContributors? Contributors);
