using AirQuality.Simulation.Truth;

namespace AirQuality.Attribution.Training;

/// <summary>
/// An incident of a simulated world that started within the scored days: who (a registry source, or an unregistered
/// emitter with <see cref="SourceId"/> null), the local days it was under way on, how far it raised the most affected
/// sensor's 15-minute mean above what the emitter usually adds (µg/m³), and whether it became (part of) an episode
/// in which it was right.
/// </summary>
public sealed record ScoredIncident(string World, Incident Incident, DateOnly FirstDay, DateOnly LastDay, double PeakRaiseUgm3, bool BecameEpisode)
{
    public string? SourceId => Incident.SourceId;
}
