namespace AirQuality.Simulation.Truth;

/// <summary>Receives each emitter's true plume contribution to a reading, before sensor noise and humidity.</summary>
/// <remarks>
/// <c>emitter</c>: a registry source's index in <see cref="CityTruth.Sources"/>, or <c>Sources.Count + k</c> for
/// <see cref="CityTruth.Unregistered"/>[k]. <c>ugm3</c>: PM2.5, µg/m³.
/// </remarks>
public interface IContributionSink
{
    void Add(int sensor, int emitter, DateTimeOffset at, double ugm3);
}
