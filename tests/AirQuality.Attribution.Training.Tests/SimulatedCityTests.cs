using AirQuality.Aggregation;
using AirQuality.Aggregation.Calibration;
using AirQuality.Anomalies;
using AirQuality.Attribution.Training;
using AirQuality.Simulation;
using AirQuality.Storage.Registry;
using AirQuality.Tests.Support;
using Xunit;

namespace AirQuality.Attribution.Training.Tests;

/// <summary><see cref="SimulatedCity.CorrectMicroSensors"/>: a simulated world's micro sensors corrected as production would.</summary>
public sealed class SimulatedCityTests
{
    [Fact]
    public void Micro_sensors_are_corrected_by_one_network_fit_on_the_first_hours_and_stations_stay_as_measured()
    {
        var registry = TestRegistry.Shipped();
        var zone = new AggregationOptions().Zone;
        // Three days of a humid August: the simulator inflates micro sensors above 70% RH.
        var sim = SimulatedCity.Run(registry, 4243, new DateOnly(2025, 8, 1), 3, zone, TimeSpan.FromMinutes(15));
        var detector = new AnomalyDetector(new AnomalyOptions { BaselineDays = 1 }, new AggregationOptions());
        var day = new DateOnly(2025, 8, 3);
        var (rawHours, rawGrid) = ((double[])sim.Hours.Pm25.Clone(), sim.Grid(detector, day));
        var calibration = new CalibrationOptions();

        var fit = sim.CorrectMicroSensors(calibration, 48);

        Assert.NotNull(fit);
        // The pairs: every micro sensor-hour of the first two days with a station within Calibration:MaxDistanceKm (each hour
        // complete and carrying humidity in the simulation).
        var sensors = registry.Sensors;
        var paired = sensors.Count(m => m.Kind == RegistryCodes.MicroSensor
            && sensors.Any(s => s.Kind == RegistryCodes.NationalStation && Geo.DistanceMetres(m.Latitude, m.Longitude, s.Latitude, s.Longitude) <= calibration.MaxDistanceKm * 1000));
        Assert.True(paired > 0);
        Assert.Equal(paired * 48, fit.Hours);
        Assert.True(fit.Rmse < fit.RawRmse, $"Against the stations: raw {fit.RawRmse:0.00}, corrected {fit.Rmse:0.00}.");

        // The city's humidity is one number an hour, so every micro sensor's hour (and each of its quarters) is scaled by
        // the same factor, never up; stations are untouched.
        var grid = sim.Grid(detector, day);
        var hours = sim.Hours.Hours;
        var span = grid.Hours;
        var offset = hours - span;
        const int Q = HourlyPm25.QuartersPerHour;
        var lowered = 0;
        for (var h = 0; h < hours; h++)
        {
            double? factor = null;
            for (var s = 0; s < sensors.Count; s++)
            {
                var (before, after) = (rawHours[s * hours + h], sim.Hours.Pm25[s * hours + h]);
                if (sensors[s].Kind == RegistryCodes.NationalStation)
                {
                    Assert.Equal(before, after);
                    continue;
                }

                factor ??= after / before;
                Assert.Equal(factor.Value, after / before, 9);
                if (h >= offset)
                {
                    for (var k = 0; k < Q; k++)
                    {
                        var at = (s * span + h - offset) * Q + k;
                        Assert.Equal(factor.Value, grid.Quarters[at] / rawGrid.Quarters[at], 9);
                    }
                }
            }

            Assert.InRange(factor!.Value, 0, 1);
            lowered += factor < 0.99 ? 1 : 0;
        }

        Assert.True(lowered > 0, "No hour was humid enough to correct.");
    }

    [Fact]
    public void The_episode_cache_keeps_raw_worlds_under_their_old_key_and_corrected_ones_apart()
    {
        var registry = TestRegistry.Shipped();
        var directory = Path.Combine(Path.GetTempPath(), $"airq-episode-cache-{Guid.NewGuid():N}");
        try
        {
            var world = new WorldSpec(4244, new DateOnly(2025, 8, 2), 1, WorldPhysics.Standard, NetworkCapabilities.Full);
            var (anomalies, aggregation, attribution) = (new AnomalyOptions { BaselineDays = 1, Pm25 = Pm25Flow.Raw }, new AggregationOptions(), new AttributionOptions());
            var raw = new ModelTrainer(anomalies, aggregation, attribution, progress: null).Episodes(registry, [world], directory);
            // The key raw worlds had before Anomalies:Pm25 existed: the same options, serialised without it.
            Assert.DoesNotContain("Pm25", System.Text.Json.JsonSerializer.Serialize(anomalies), StringComparison.Ordinal);
            var before = new EpisodeCache(directory, registry, new { anomalies, options = attribution, Zone = aggregation.Zone.Id });
            Assert.True(before.TryLoad(world, out var cached));
            Assert.Equal(raw.Episodes.Count, cached.Episodes.Count);

            var correctedOptions = new AnomalyOptions { BaselineDays = 1, Pm25 = Pm25Flow.Corrected };
            var corrected = new ModelTrainer(correctedOptions, aggregation, attribution, progress: null).Episodes(registry, [world], directory);
            Assert.Equal(2, Directory.GetFiles(directory, "*.json").Length);
            // Corrected values change what the detector sees: the episodes differ from the raw ones somewhere.
            Assert.NotEqual(
                raw.Episodes.Select(e => (e.Episode.StartHour, e.Episode.EndHour, string.Join(",", e.Episode.Sensors))),
                corrected.Episodes.Select(e => (e.Episode.StartHour, e.Episode.EndHour, string.Join(",", e.Episode.Sensors))));
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
