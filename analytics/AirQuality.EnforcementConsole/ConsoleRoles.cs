namespace AirQuality.EnforcementConsole;

/// <summary>The roles a console user may have (<c>console_users.role</c>).</summary>
public static class ConsoleRoles
{
    public const string TownshipOfficer = "township_officer";
    public const string DistrictMember = "district_member";
    public const string DistrictLead = "district_lead";
    public const string CitySupervisor = "city_supervisor";
    public const string Analyst = "analyst";

    public static IReadOnlyList<string> All { get; } = [TownshipOfficer, DistrictMember, DistrictLead, CitySupervisor, Analyst];

    /// <summary>Whether the role sees every team's districts; every other role sees only its own team's.</summary>
    public static bool IsCityWide(string role) => role is CitySupervisor or Analyst;
}
