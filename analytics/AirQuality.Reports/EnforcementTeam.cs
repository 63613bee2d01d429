namespace AirQuality.Reports;

/// <summary>An enforcement team: who receives its daily report and which districts it covers (<c>enforcement_teams</c>, <c>enforcement_team_districts</c>).</summary>
public sealed record EnforcementTeam(string TeamId, string Name, IReadOnlyList<string> Recipients, IReadOnlyList<string> DistrictIds);
