using AirQuality.Ingest.Simulation;
using AirQuality.Ingest.Simulation.Truth;
using AirQuality.Tests.Support;
using Xunit;

namespace AirQuality.Ingest.Tests.Simulation;

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
        var registry = TestRegistry.Shipped();
        var world = new AirQualityWorld(registry, 7, Start, TimeSpan.FromDays(4));
        var sink = new Largest();
        world.Contributions = sink;
        var (dust, smoke) = (new List<double>(), new List<double>());
        for (var at = Start; at < Start.AddDays(4); at = at.AddMinutes(30))
        {
            for (var s = 0; s < world.Sensors.Count; s++)
            {
                sink.Reset();
                var reading = world.Reading(s, at);
                // Only readings one emitter dominates, well above the background.
                if (sink.Ugm3 >= 60 && sink.Ugm3 >= 0.8 * sink.Total)
                {
                    var ratio = reading.Pm10!.Value / reading.Pm25!.Value;
                    var unregistered = sink.Emitter >= world.Truth.Sources.Count;
                    (unregistered ? smoke : world.Truth.DustSite[sink.Emitter] ? dust : null)?.Add(ratio);
                }
            }
        }

        Assert.True(dust.Count >= 10 && smoke.Count >= 3, $"{dust.Count} dust-dominated and {smoke.Count} smoke-dominated readings");
        Assert.True(dust.Order().ElementAt(dust.Count / 2) > 2.2, $"median PM10/PM2.5 under dust {dust.Order().ElementAt(dust.Count / 2):0.00}");
        Assert.True(smoke.Order().ElementAt(smoke.Count / 2) < 1.5, $"median PM10/PM2.5 under smoke {smoke.Order().ElementAt(smoke.Count / 2):0.00}");
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
