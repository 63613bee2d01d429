namespace AirQuality.Simulation.Truth;

/// <summary>
/// A simulated pollution incident, the ground truth an attribution is scored against: who emitted (a registered
/// source, or an unregistered emitter with no id), where, when, and how much PM2.5.
/// </summary>
/// <remarks>
/// <see cref="Start"/> inclusive, <see cref="End"/> exclusive, UTC. <see cref="EmissionGs"/> is the true PM2.5
/// emission during the incident, g/s. <see cref="UnderReported"/>: the source's own telemetry kept showing its
/// usual level throughout.
/// </remarks>
public sealed record Incident(
    string? SourceId, string Kind, double Latitude, double Longitude, DateTimeOffset Start, DateTimeOffset End, double EmissionGs, bool UnderReported)
{
    public const string RegisteredSource = "registered_source";
    public const string OpenBurning = "open_burning";
    public const string Catering = "catering";
}
