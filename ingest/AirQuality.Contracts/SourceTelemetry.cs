namespace AirQuality.Contracts;

/// <summary>One pollution source's continuous emission monitoring record.</summary>
/// <remarks>
/// Concentrations in mg/m³ (at standard conditions, as reported by the CEMS); flue gas flow in m³/h;
/// <see cref="ObservedAt"/> is UTC. <see cref="OperatingStatus"/> is one of <see cref="OperatingStatuses"/>.
/// </remarks>
public sealed record SourceTelemetry(
    string SourceId,
    DateTimeOffset ObservedAt,
    double? Particulate = null,
    double? So2 = null,
    double? Nox = null,
    double? FlueGasFlow = null,
    string? OperatingStatus = null);

/// <summary>Several telemetry records sent together by one gateway.</summary>
public sealed record SourceTelemetryBatch(string? GatewayId, IReadOnlyList<SourceTelemetry> Records);

/// <summary>The operating statuses a source may report.</summary>
public static class OperatingStatuses
{
    public const string Running = "running";
    public const string Stopped = "stopped";
    public const string Startup = "startup";
    public const string Maintenance = "maintenance";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Running, Stopped, Startup, Maintenance };
}
