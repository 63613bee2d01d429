using AirQuality.Anomalies;
using AirQuality.Attribution;
using AirQuality.Tests.Support;
using Xunit;

namespace AirQuality.Attribution.Tests;

public sealed class AttributionEpisodeTests
{
    [Fact]
    public void An_episode_ending_at_a_quarter_hour_keeps_its_last_partial_hour_and_the_districts_air_is_not_an_episode()
    {
        var registry = TestRegistry.Shipped();
        var firstHour = 490_000L;
        var city = new CityHours(registry.Sensors, registry.Sources, firstHour, 24);
        var sensor = registry.Sensors[0].SensorId;
        DateTime At(double hours) => DateTime.UnixEpoch.AddHours(firstHour + hours);
        Anomaly Row(string[] kinds, double start, double end) =>
            new(new DateOnly(2025, 12, 1), Anomaly.Pollution, kinds, 1, [sensor], ["D"], ["T"], At(start), At(end), 50, sensor, At(start), "test");

        var episode = AttributionEpisode.From(0, Row([AnomalyKinds.Spike], 9.75, 10.25), city)!;
        Assert.Equal((9, 11), (episode.StartHour, episode.EndHour));
        var whole = AttributionEpisode.From(0, Row([AnomalyKinds.Spike], 9, 11), city)!;
        Assert.Equal((9, 11), (whole.StartHour, whole.EndHour));
        Assert.Null(AttributionEpisode.From(0, Row([AnomalyKinds.HourlyExceedance], 9, 11), city));
    }
}
