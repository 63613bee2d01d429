namespace AirQuality.EnforcementConsole;

/// <summary>A dispatch not acknowledged within <see cref="ConsoleOptions.AcknowledgeWithin"/>; <see cref="AssignedTo"/> null means the whole team.</summary>
public sealed record OverdueDispatch(long DispatchId, long? FlagId, string SourceId, string SourceName, string TeamId, string? AssignedTo, DateTimeOffset DispatchedAt, TimeSpan Waiting);
