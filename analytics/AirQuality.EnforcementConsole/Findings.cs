namespace AirQuality.EnforcementConsole;

/// <summary>What an inspection can find (<c>flag_findings.finding</c>); the first two also go to <c>enforcement_outcomes</c>.</summary>
public static class Findings
{
    public const string Confirmed = "confirmed";
    public const string NotConfirmed = "not_confirmed";
    public const string CouldNotInspect = "could_not_inspect";

    public static IReadOnlyList<string> All { get; } = [Confirmed, NotConfirmed, CouldNotInspect];

    /// <summary>Whether the finding is a label retraining can learn from (it says whether the source caused the episode).</summary>
    public static bool IsOutcome(string finding) => finding is Confirmed or NotConfirmed;

    public static string Describe(string finding) => finding switch
    {
        Confirmed => "confirmed",
        NotConfirmed => "not confirmed",
        CouldNotInspect => "could not inspect",
        _ => finding,
    };
}
