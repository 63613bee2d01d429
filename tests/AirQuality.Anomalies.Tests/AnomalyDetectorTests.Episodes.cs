using AirQuality.Aggregation;
using AirQuality.Anomalies;
using Xunit;

namespace AirQuality.Anomalies.Tests;

/// <summary>
/// How rising quarters are grouped into episodes, on 15-minute means in memory: A and B 450 m apart, C 750 m east of
/// A, four sensors kilometres away, a week of steady air and a day (a Monday).
/// </summary>
public sealed partial class AnomalyDetectorTests
{
    static readonly AnomalyDetector InMemory = new(new AnomalyOptions { BaselineDays = 7 }.Validate(), new AggregationOptions());

    static readonly AnomalySensor[] Nearby =
    [
        new("A", "Sensor A", "D1", "T1", 29.6000, 106.500),
        new("B", "Sensor B", "D1", "T1", 29.6040, 106.500),
        new("C", "Sensor C", "D1", "T1", 29.6000, 106.5078),
        .. Enumerable.Range(0, 4).Select(i => new AnomalySensor($"F{i}", $"Far {i}", "D1", "T2", 29.65 + 0.05 * i, 106.6)),
    ];

    /// <summary>Every sensor reads the same air with 3 % noise, plus <paramref name="extra"/>(sensor, local hour, quarter) on the day.</summary>
    static HourlyPm25 SteadyAir(Func<string, int, int, double> extra)
    {
        const int Q = HourlyPm25.QuartersPerHour;
        var (target, baseline) = InMemory.Window(Day);
        var span = (int)(target.FirstHour - baseline.FirstHour) + target.Hours;
        var offset = span - target.Hours;
        var random = new Random(5);
        var quarters = new double[Nearby.Length * span * Q];
        for (var s = 0; s < Nearby.Length; s++)
        {
            for (var h = 0; h < span; h++)
            {
                for (var k = 0; k < Q; k++)
                {
                    var air = 40 * (1 + 0.3 * Math.Sin((h % 24 + k / 4.0) * Math.PI / 12)) * (1 + 0.03 * (2 * random.NextDouble() - 1));
                    quarters[(s * span + h) * Q + k] = air + (h >= offset ? extra(Nearby[s].SensorId, (h - offset) % 24, k) : 0);
                }
            }
        }

        var values = Enumerable.Range(0, Nearby.Length * span).Select(c => quarters.Skip(c * Q).Take(Q).Average()).ToArray();
        var readings = new int[Nearby.Length * target.Hours];
        Array.Fill(readings, 12);
        return new HourlyPm25(baseline.FirstHour, span, values, quarters, [.. Enumerable.Repeat(double.NaN, span)], readings, new bool[Nearby.Length * target.Hours]);
    }

    static List<Anomaly> EpisodesOf(HourlyPm25 grid, AnomalyDetector? detector = null) =>
        [.. (detector ?? InMemory).Detect(Day, Nearby, grid, new Dictionary<string, (double, double)>()).Where(a => a.Category == Anomaly.Pollution).OrderBy(a => a.Start)];

    [Fact]
    public void Neighbours_that_rose_together_are_one_episode()
    {
        var episode = Assert.Single(EpisodesOf(SteadyAir((id, hour, _) => id is "A" or "B" && hour == 9 ? 60 : 0)));

        Assert.Equal(["A", "B"], episode.SensorIds);
    }

    [Fact]
    public void Neighbours_that_rose_one_after_the_other_are_two_episodes()
    {
        // A from 09:00 to 10:00, B from 10:30 to 11:30: the two plumes are not chained into one episode in which each is
        // half of the excess.
        var episodes = EpisodesOf(SteadyAir((id, hour, k) => id == "A" && hour == 9 || id == "B" && (hour == 10 && k >= 2 || hour == 11 && k < 2) ? 60 : 0));

        Assert.Equal(2, episodes.Count);
        Assert.Equal(["A"], episodes[0].SensorIds);
        Assert.Equal(["B"], episodes[1].SensorIds);
    }

    [Fact]
    public void Sensors_that_rose_together_further_apart_than_NeighbourRadiusKm_are_two_episodes()
    {
        // A and C, 750 m apart, rose in the same hour: one episode within the default 1 km radius, in which an incident
        // at one and an everyday plume at the other would each be part of the excess; two within 500 m.
        var grid = SteadyAir((id, hour, _) => id is "A" or "C" && hour == 9 ? 60 : 0);

        Assert.Equal(["A", "C"], Assert.Single(EpisodesOf(grid)).SensorIds);
        var narrower = new AnomalyDetector(new AnomalyOptions { BaselineDays = 7, NeighbourRadiusKm = 0.5 }.Validate(), new AggregationOptions());
        var episodes = EpisodesOf(grid, narrower);
        Assert.Equal(2, episodes.Count);
        Assert.Equal(["A", "C"], episodes.Select(e => Assert.Single(e.SensorIds)).Order(StringComparer.Ordinal));
    }
}
