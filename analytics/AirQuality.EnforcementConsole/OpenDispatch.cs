namespace AirQuality.EnforcementConsole;

/// <summary>
/// An unresolved dispatch on a user's list: the flag (null once a re-run of attribution replaced it), its source, to whom
/// it was sent (null: the whole team), when it was (last) dispatched (UTC), where it stands in words, and whether it is overdue.
/// </summary>
public sealed record OpenDispatch(long DispatchId, long? FlagId, string SourceId, string SourceName, string? AssignedTo, DateTimeOffset DispatchedAt, string State, bool Overdue);
