using AirQuality.Aggregation;
using AirQuality.Anomalies;
using Xunit;

namespace AirQuality.Anomalies.Tests;

/// <summary>Drift against co-located neighbours, on hourly means in memory: four sensors within a few hundred metres over a week and a day.</summary>
public sealed class DriftTests
{
    static readonly DateOnly Day = new(2025, 6, 30);
    // A week of baseline, as the days of the scenarios below are numbered.
    static readonly AnomalyDetector Detector = new(new AnomalyOptions { BaselineDays = 7 }.Validate(), new AggregationOptions());

    static readonly AnomalySensor[] Sensors =
    [
        new("A", "Sensor A", "D1", "T1", 29.600, 106.500),
        new("B", "Sensor B", "D1", "T1", 29.602, 106.500),
        new("C", "Sensor C", "D1", "T1", 29.600, 106.502),
        new("D", "Sensor D", "D1", "T1", 29.602, 106.502),
    ];

    /// <summary>Every sensor reads the same city air with a little noise; <paramref name="factor"/> scales sensor A by day (0–7) and hour.</summary>
    static HourlyPm25 Grid(Func<int, int, double> factor)
    {
        var (target, baseline) = Detector.Window(Day);
        var span = (int)(target.FirstHour - baseline.FirstHour) + target.Hours;
        var random = new Random(3);
        var values = new double[Sensors.Length * span];
        for (var h = 0; h < span; h++)
        {
            var air = 40 + 15 * Math.Sin(h * Math.PI / 12);
            for (var s = 0; s < Sensors.Length; s++)
            {
                values[s * span + h] = air * (0.95 + 0.1 * random.NextDouble()) * (s == 0 ? factor(h / 24, h % 24) : 1);
            }
        }

        var readings = new int[Sensors.Length * target.Hours];
        Array.Fill(readings, 12);
        var quarters = values.SelectMany(v => Enumerable.Repeat(v, HourlyPm25.QuartersPerHour)).ToArray();
        var wind = Enumerable.Repeat(double.NaN, span).ToArray();
        return new HourlyPm25(baseline.FirstHour, span, values, quarters, wind, readings, new bool[Sensors.Length * target.Hours]);
    }

    [Fact]
    public void A_sensor_creeping_away_from_its_colocated_neighbours_is_a_drift_fault_and_not_pollution()
    {
        // Sensor A reads 10% more each day: 1.7× its neighbours on the day, 2.2× in its afternoon hours.
        var found = Detector.Detect(Day, Sensors, Grid((day, hour) => (1 + 0.1 * day) * (day == 7 && hour is >= 12 and < 18 ? 1.3 : 1)), new Dictionary<string, (double, double)>());

        var drift = Assert.Single(found, a => a.Kinds.Contains(AnomalyKinds.Drift));
        Assert.Equal(Anomaly.SensorFault, drift.Category);
        Assert.Equal(["A"], drift.SensorIds);
        Assert.Contains("co-located neighbours", drift.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(found, a => a.Category == Anomaly.Pollution && a.SensorIds.Contains("A"));
    }

    [Fact]
    public void A_few_polluted_hours_at_one_sensor_are_pollution_not_drift()
    {
        var found = Detector.Detect(Day, Sensors, Grid((day, hour) => day == 7 && hour is >= 9 and < 13 ? 4 : 1), new Dictionary<string, (double, double)>());

        Assert.DoesNotContain(found, a => a.Kinds.Contains(AnomalyKinds.Drift));
        var episode = Assert.Single(found, a => a.Category == Anomaly.Pollution);
        Assert.Equal(["A"], episode.SensorIds);
        Assert.Contains(AnomalyKinds.Spike, episode.Kinds);
    }
}
