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
}
