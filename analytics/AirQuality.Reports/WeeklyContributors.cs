namespace AirQuality.Reports;

/// <summary>
/// The weekly permit-review section: the team's sources (by the source's district) that dominated episodes on their
/// reported emissions in the ISO week from <see cref="WeekStart"/> (a Monday) to the Sunday six days later, both
/// included; most episode-hours first.
/// </summary>
public sealed record WeeklyContributors(DateOnly WeekStart, IReadOnlyList<PersistentContributor> Sources)
{
    /// <summary>The last day of the week (a Sunday), inclusive.</summary>
    public DateOnly WeekEnd => WeekStart.AddDays(6);

    /// <summary>
    /// Whether the report of <paramref name="day"/> carries the section: the report e-mailed on Monday morning, which
    /// covers Sunday and so ends the ISO week.
    /// </summary>
    public static bool IsDue(DateOnly day) => day.DayOfWeek == DayOfWeek.Sunday;
}
