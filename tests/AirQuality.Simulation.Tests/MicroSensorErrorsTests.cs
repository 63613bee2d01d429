using System.Globalization;
using AirQuality.Contracts;
using AirQuality.Storage.Registry;
using AirQuality.Tests.Support;
using Xunit;

namespace AirQuality.Simulation.Tests;

public sealed class MicroSensorErrorsTests
{
    static readonly DateTimeOffset Start = new(2026, 6, 1, 0, 0, 0, TimeSpan.FromHours(8));

    static List<SensorReading> Readings(AirQualityWorld world, int hours)
    {
        var readings = new List<SensorReading>();
        for (var t = Start.AddMinutes(5); t <= Start.AddHours(hours); t = t.AddMinutes(5))
        {
            for (var i = 0; i < world.Sensors.Count; i++)
            {
                if ((long)(t - Start).TotalSeconds % world.Sensors[i].ReportingIntervalS == 0)
                {
                    readings.Add(world.Reading(i, t));
                }
            }
        }

        return readings;
    }

    [Fact]
    public void Without_sensor_errors_the_standard_world_draws_what_it_always_drew()
    {
        // Pinned from the world before micro-sensor errors existed: seed 7, the shipped registry, six hours.
        var readings = Readings(new AirQualityWorld(TestRegistry.Shipped(), 7, Start, TimeSpan.FromDays(1)), 6);
        var checksum = string.Create(CultureInfo.InvariantCulture,
            $"{readings.Count} {readings.Sum(r => r.Pm25 ?? 0):R} {readings.Sum(r => r.Pm10 ?? 0):R} {readings.Sum(r => (r.So2 ?? 0) + (r.Co ?? 0)):R}");
        const string Pinned = "37098 1696848.8000000047 2442402.4999999804 700935.3699999965";
        Assert.True(checksum == Pinned, $"The standard world's readings changed: {checksum}, pinned {Pinned}.");
    }

    [Fact]
    public void Sensor_errors_change_only_the_micro_sensors_pm_and_are_drawn_from_the_seed()
    {
        var registry = TestRegistry.Shipped();
        var plain = Readings(new AirQualityWorld(registry, 7, Start, TimeSpan.FromDays(1)), 6);
        var world = new AirQualityWorld(registry, 7, Start, TimeSpan.FromDays(1)) { SensorErrors = MicroSensorErrors.Typical };
        var erred = Readings(world, 6);

        Assert.Equal(plain.Count, erred.Count);
        var micro = registry.Sensors.Where(s => s.Kind == RegistryCodes.MicroSensor).Select(s => s.SensorId).ToHashSet();
        var changed = 0;
        for (var i = 0; i < plain.Count; i++)
        {
            if (micro.Contains(plain[i].SensorId))
            {
                // Everything but the particles is as the standard world drew it: the errors draw nothing from the world's random.
                Assert.Equal(plain[i] with { Pm25 = null, Pm10 = null }, erred[i] with { Pm25 = null, Pm10 = null });
                changed += plain[i].Pm25 != erred[i].Pm25 ? 1 : 0;
            }
            else
            {
                Assert.Equal(plain[i], erred[i]);
            }
        }

        Assert.True(changed > plain.Count(r => micro.Contains(r.SensorId)) / 2, $"only {changed} micro-sensor readings changed");

        // Per sensor, from the seed: the same seed draws the same errors, another seed others; about a tenth drift.
        var drawn = world.DrawnSensorErrors!;
        Assert.Equal(drawn, new AirQualityWorld(registry, 7, Start, TimeSpan.FromDays(1)) { SensorErrors = MicroSensorErrors.Typical }.DrawnSensorErrors!);
        Assert.NotEqual(drawn, new AirQualityWorld(registry, 8, Start, TimeSpan.FromDays(1)) { SensorErrors = MicroSensorErrors.Typical }.DrawnSensorErrors!);
        Assert.InRange(drawn.Count(d => d.DriftPerDay != 0), 0.05 * drawn.Count, 0.15 * drawn.Count);
        Assert.InRange(Math.Exp(drawn.Average(d => Math.Log(d.Gain))), 0.95, 1.05);
        Assert.Null(new AirQualityWorld(registry, 7, Start, TimeSpan.FromDays(1)).DrawnSensorErrors);
    }
}
