namespace AirQuality.EnforcementConsole;

/// <summary>
/// One flag and where it stands in the workflow: its source and episode, the teams whose districts hold the source,
/// and its dispatch and finding once made. Times are UTC instants.
/// </summary>
public sealed record FlagView(
    long FlagId,
    long AnomalyId,
    DateOnly Day,
    string SourceId,
    string SourceName,
    string DistrictId,
    IReadOnlyList<string> TeamIds,
    double Probability,
    string Explanation,
    bool ToInspect,
    DateTimeOffset FlaggedAt,
    DispatchView? Dispatch,
    FindingView? Finding,
    IReadOnlyList<OfficerView> Officers);

/// <summary>A dispatch: to which team and whom (null: the whole team), by whom and when, and its later steps (null until made).</summary>
public sealed record DispatchView(
    long DispatchId,
    string TeamId,
    string? AssignedTo,
    long? AssignedUserId,
    string DispatchedBy,
    DateTimeOffset DispatchedAt,
    string? AcknowledgedBy,
    DateTimeOffset? AcknowledgedAt,
    string? ResolvedBy,
    DateTimeOffset? ResolvedAt);

/// <summary>A recorded finding (<see cref="Findings"/>), its notes, whether it has a photo, who recorded it and when.</summary>
public sealed record FindingView(string Finding, string? Notes, bool HasPhoto, string RecordedBy, DateTimeOffset RecordedAt, long? OutcomeId);

/// <summary>A township officer of the team, whom a lead may dispatch to.</summary>
public sealed record OfficerView(long UserId, string Name);
