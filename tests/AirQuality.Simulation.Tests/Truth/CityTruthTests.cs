using AirQuality.Contracts;
using AirQuality.Simulation;
using AirQuality.Simulation.Truth;
using AirQuality.Tests.Support;
using Xunit;

namespace AirQuality.Simulation.Tests.Truth;

public sealed class CityTruthTests
{
    static readonly DateTimeOffset Start = new(2026, 6, 1, 0, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public void The_same_seed_and_period_give_the_same_incidents_and_readings()
    {
        var registry = TestRegistry.Shipped();
        var a = new AirQualityWorld(registry, 7, Start, TimeSpan.FromDays(10));
        var b = new AirQualityWorld(registry, 7, Start, TimeSpan.FromDays(10));
        var c = new AirQualityWorld(registry, 8, Start, TimeSpan.FromDays(10));

        Assert.Equal(a.Truth.Incidents, b.Truth.Incidents);
        Assert.NotEqual(a.Truth.Incidents, c.Truth.Incidents);
        Assert.Equal(a.Reading(3, Start.AddHours(5)), b.Reading(3, Start.AddHours(5)));
        Assert.Contains(a.Truth.Incidents, i => i.SourceId is null && i.Kind is Incident.OpenBurning or Incident.Catering);
        Assert.Contains(a.Truth.Incidents, i => i.Kind == Incident.RegisteredSource && i.UnderReported);
        Assert.All(a.Truth.Incidents, i => Assert.True(i.End > i.Start && i.EmissionGs > 0));
    }

    [Fact]
    public void A_stack_reports_its_incident_in_its_telemetry_unless_it_under_reports()
    {
        var registry = TestRegistry.Shipped();
        var world = new AirQualityWorld(registry, 7, Start, TimeSpan.FromDays(30));
        var monitored = world.MonitoredSources.Select((s, i) => (s.SourceId, i)).ToDictionary(x => x.SourceId, x => x.i);
        var incidents = world.Truth.Incidents.Where(i => i.SourceId is { } id && monitored.ContainsKey(id) && registry.Sources.First(s => s.SourceId == id).PermittedParticulateMgm3 is not null).ToList();
        var honest = incidents.First(i => !i.UnderReported);
        var hiding = incidents.First(i => i.UnderReported);

        double Ratio(Incident incident)
        {
            var permitted = registry.Sources.First(s => s.SourceId == incident.SourceId).PermittedParticulateMgm3!.Value;
            return world.Telemetry(monitored[incident.SourceId!], incident.Start.AddMinutes(30)).Particulate!.Value / permitted;
        }

        Assert.True(Ratio(honest) > 2, $"an incident of {honest.SourceId} shows as {Ratio(honest):0.00}× its permit");
        Assert.InRange(Ratio(hiding), 0.2, 0.8);
    }

    [Fact]
    public void Dust_raises_PM10_far_more_than_PM2_5_and_smoke_hardly_more()
    {
        var world = new AirQualityWorld(TestRegistry.Shipped(), 7, Start, TimeSpan.FromDays(4));
        var (dust, smoke) = (new List<double>(), new List<double>());
        foreach (var (reading, emitter, _) in DominatedReadings(world))
        {
            var ratio = reading.Pm10!.Value / reading.Pm25!.Value;
            var unregistered = emitter >= world.Truth.Sources.Count;
            (unregistered ? smoke : world.Truth.DustSite[emitter] ? dust : null)?.Add(ratio);
        }

        Assert.True(dust.Count >= 10 && smoke.Count >= 3, $"{dust.Count} dust-dominated and {smoke.Count} smoke-dominated readings");
        Assert.True(dust.Order().ElementAt(dust.Count / 2) > 2.2, $"median PM10/PM2.5 under dust {dust.Order().ElementAt(dust.Count / 2):0.00}");
        Assert.True(smoke.Order().ElementAt(smoke.Count / 2) < 1.5, $"median PM10/PM2.5 under smoke {smoke.Order().ElementAt(smoke.Count / 2):0.00}");
    }

    [Fact]
    public void Stacks_bring_SO2_with_their_particles_open_fires_bring_CO_and_dust_neither()
    {
        var world = new AirQualityWorld(TestRegistry.Shipped(), 7, Start, TimeSpan.FromDays(4));
        var (stack, dust, fire) = ((So2: new List<double>(), Co: new List<double>()), (So2: new List<double>(), Co: new List<double>()), (So2: new List<double>(), Co: new List<double>()));
        foreach (var (reading, emitter, total) in DominatedReadings(world))
        {
            // Gas added per µg/m³ of PM2.5 added: above a clean hour's level, SO2 in µg/m³, CO in µg/m³ (not mg).
            var kind = emitter >= world.Truth.Sources.Count
                ? (world.Truth.Unregistered[emitter - world.Truth.Sources.Count].Kind == Incident.OpenBurning ? fire : default)
                : world.Truth.DustSite[emitter] ? dust : stack;
            kind.So2?.Add((reading.So2!.Value - 9) / total);
            kind.Co?.Add((reading.Co!.Value - 0.7) * 1000 / total);
        }

        static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
        Assert.True(stack.So2.Count >= 10 && dust.So2.Count >= 10 && fire.So2.Count >= 3, $"{stack.So2.Count} stack-, {dust.So2.Count} dust- and {fire.So2.Count} fire-dominated readings");
        Assert.True(Median(stack.So2) > 1, $"SO2 per PM2.5 under stack gas {Median(stack.So2):0.00}");
        Assert.True(Median(dust.So2) < 0.3 && Median(fire.So2) < 0.3, $"SO2 per PM2.5 under dust {Median(dust.So2):0.00}, under smoke {Median(fire.So2):0.00}");
        Assert.True(Median(fire.Co) > 8, $"CO per PM2.5 under smoke {Median(fire.Co):0.0}");
        Assert.True(Median(dust.Co) < 4 && Median(stack.Co) < 5, $"CO per PM2.5 under dust {Median(dust.Co):0.0}, under stack gas {Median(stack.Co):0.0}");
    }

    /// <summary>Every half hour for the world's first 4 days, the readings one emitter dominates well above the background, with that emitter and the plumes' total.</summary>
    static IEnumerable<(SensorReading Reading, int Emitter, double Total)> DominatedReadings(AirQualityWorld world)
    {
        var sink = new Largest();
        world.Contributions = sink;
        for (var at = Start; at < Start.AddDays(4); at = at.AddMinutes(30))
        {
            for (var s = 0; s < world.Sensors.Count; s++)
            {
                sink.Reset();
                var reading = world.Reading(s, at);
                if (sink.Ugm3 >= 60 && sink.Ugm3 >= 0.8 * sink.Total)
                {
                    yield return (reading, sink.Emitter, sink.Total);
                }
            }
        }
    }

    sealed class Largest : IContributionSink
    {
        public int Emitter { get; private set; } = -1;

        public double Ugm3 { get; private set; }

        public double Total { get; private set; }

        public void Reset() => (Emitter, Ugm3, Total) = (-1, 0, 0);

        public void Add(int sensor, int emitter, DateTimeOffset at, double ugm3)
        {
            Total += ugm3;
            if (ugm3 > Ugm3)
            {
                (Emitter, Ugm3) = (emitter, ugm3);
            }
        }
    }
}
