namespace AirQuality.EnforcementConsole;

/// <summary>What a sign-in attempt came to: the user, or why not (and until when the account is locked).</summary>
public sealed record SignInResult(ConsoleUser? User, DateTimeOffset? LockedUntil)
{
    public bool Succeeded => User is not null;
}
