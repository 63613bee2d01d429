namespace AirQuality.EnforcementConsole;

/// <summary>A signed-in console user: name, role (<see cref="ConsoleRoles"/>) and team (null only for city-wide roles).</summary>
public sealed record ConsoleUser(long UserId, string Name, string Role, string? TeamId)
{
    /// <summary>Whether this user may see the pages of <paramref name="teamId"/>.</summary>
    public bool MaySee(string teamId) => ConsoleRoles.IsCityWide(Role) || string.Equals(TeamId, teamId, StringComparison.Ordinal);
}
