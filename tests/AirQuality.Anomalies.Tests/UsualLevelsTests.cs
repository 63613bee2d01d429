using AirQuality.Aggregation;
using AirQuality.Anomalies;
using Xunit;

namespace AirQuality.Anomalies.Tests;

/// <summary>
/// Each sensor's usual level (by hour, type of day and wind) and its own noise, on 15-minute means in memory: six
/// sensors kilometres apart, each judged against the city's median, over a week and a day (a Monday).
/// </summary>
public sealed class UsualLevelsTests
{
    static readonly DateOnly Day = new(2025, 6, 30);
    // A week of baseline, as the days of the scenarios below are numbered.
    static readonly AnomalyDetector Detector = new(new AnomalyOptions { BaselineDays = 7 }.Validate(), new AggregationOptions());
    const int Q = HourlyPm25.QuartersPerHour;

    static readonly AnomalySensor[] Sensors = [.. Enumerable.Range(0, 6).Select(i => new AnomalySensor($"S{i}", $"Sensor {i}", "D1", "T1", 29.5 + 0.05 * i, 106.5))];

    /// <summary>
    /// The city's air (a daily cycle that wanders from day to day) at every sensor with multiplicative noise of
    /// <paramref name="noise"/>(sensor), plus <paramref name="extra"/>(sensor, day 0–7, local hour, quarter); the wind from
    /// <paramref name="wind"/>(day, local hour), degrees or NaN.
    /// </summary>
    static HourlyPm25 Grid(Func<int, double> noise, Func<int, int, int, int, double> extra, Func<int, int, double> wind)
    {
        var (target, baseline) = Detector.Window(Day);
        var span = (int)(target.FirstHour - baseline.FirstHour) + target.Hours;
        var random = new Random(11);
        var n = Sensors.Length;
        var quarters = new double[n * span * Q];
        var winds = new double[span];
        for (var h = 0; h < span; h++)
        {
            // Hour 0 is local midnight of the first baseline day (China Standard Time has no daylight saving).
            var (day, hour) = (h / 24, h % 24);
            winds[h] = wind(day, hour);
            for (var k = 0; k < Q; k++)
            {
                var air = (35 + 5 * day % 3) * (1 + 0.3 * Math.Sin((hour + k / 4.0) * Math.PI / 12));
                for (var s = 0; s < n; s++)
                {
                    quarters[(s * span + h) * Q + k] = air * Math.Exp(noise(s) * Normal(random)) + extra(s, day, hour, k);
                }
            }
        }

        var values = Enumerable.Range(0, n * span).Select(c => quarters.Skip(c * Q).Take(Q).Average()).ToArray();
        var readings = new int[n * target.Hours];
        Array.Fill(readings, 12);
        return new HourlyPm25(baseline.FirstHour, span, values, quarters, winds, readings, new bool[n * target.Hours]);
    }

    static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    static IReadOnlyList<Anomaly> Episodes(HourlyPm25 grid) => Episodes(grid, Detector);

    static IReadOnlyList<Anomaly> Episodes(HourlyPm25 grid, AnomalyDetector detector) =>
        [.. detector.Detect(Day, Sensors, grid, new Dictionary<string, (double, double)>()).Where(a => a.Category == Anomaly.Pollution)];

    static AnomalyDetector With(Action<AnomalyOptions> change)
    {
        var options = new AnomalyOptions { BaselineDays = 7 };
        change(options);
        return new AnomalyDetector(options.Validate(), new AggregationOptions());
    }

    [Fact]
    public void A_site_that_raises_a_sensor_only_with_the_wind_from_it_is_usual_with_that_wind_and_an_episode_with_another()
    {
        // The wind from the east on two of the five baseline weekdays (days 0 and 2) and on the day, from the west
        // otherwise; the site east of S1 adds 40 µg/m³ from 09:00 to 12:00 whenever the wind is from the east. By hour
        // and type of day alone S1 is usually not raised then, so only the wind makes this its usual.
        static double Wind(int day, int hour) => day is 0 or 2 or 7 ? 90 : 270;
        var siteAlways = Grid(_ => 0.05, (s, day, hour, _) => s == 1 && hour is >= 9 and < 12 && Wind(day, hour) == 90 ? 40 : 0, Wind);
        Assert.Empty(Episodes(siteAlways));

        // The same site on the day with the wind from the west, which it never did before: not its usual.
        var otherWind = Grid(_ => 0.05, (s, day, hour, _) => s == 1 && hour is >= 9 and < 12 && (Wind(day, hour) == 90 || day == 7) ? 40 : 0,
            (day, hour) => day == 7 ? 270 : Wind(day, hour));
        var episode = Assert.Single(Episodes(otherWind));
        Assert.Equal(["S1"], episode.SensorIds);
        Assert.Contains("with the wind from the W", episode.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plume_the_sensor_had_before_with_this_wind_at_another_hour_is_routine_and_several_times_it_is_an_episode()
    {
        // The wind from the east on two baseline weekdays (days 1 and 3) and on the day, from the west otherwise. With
        // the east wind the site beside S1 laid its everyday plume, 40 µg/m³, on it in the small hours (00:00 to 03:00);
        // on the day the same wind lays it on S1 from 10:00 to 12:00, an hour at which S1 had never been raised.
        static double Wind(int day, int hour) => day is 1 or 3 or 7 ? 90 : 270;
        HourlyPm25 Plume(double today) => Grid(_ => 0.05, (s, day, hour, _) => s != 1 ? 0
            : day is 1 or 3 && hour < 3 ? 40
            : day == 7 && hour is >= 10 and < 12 ? today : 0, Wind);

        Assert.Empty(Episodes(Plume(40)));

        // Three times the plume is more than the site ever brought S1 with that wind.
        var episode = Assert.Single(Episodes(Plume(120)));
        Assert.Equal(["S1"], episode.SensorIds);
    }

    [Fact]
    public void Explain_says_which_test_a_sensor_failed_and_what_it_stood_against()
    {
        // The routine-high scenario above: on the day S1 gets its everyday plume (40 µg/m³) at 10:00–12:00 with a wind
        // that brought it before in the small hours, then three times it; and at 10:00 with a wind it never had.
        static double Wind(int day, int hour) => day is 1 or 3 or 7 ? 90 : 270;
        HourlyPm25 Plume(double today, Func<int, int, double> wind) => Grid(_ => 0.05, (s, day, hour, _) => s != 1 ? 0
            : day is 1 or 3 && hour < 3 ? 40
            : day == 7 && hour is >= 10 and < 12 ? today : 0, wind);

        var routine = Detector.Explain(Day, Sensors, Plume(40, Wind), 1, 10);
        Assert.Equal("under the routine high", routine.Verdict);
        Assert.InRange(routine.RunningMeanUgm3, routine.NoiseThresholdUgm3, routine.RoutineHighUgm3);
        Assert.Contains("with the wind from the E", routine.Basis, StringComparison.Ordinal);

        var incident = Detector.Explain(Day, Sensors, Plume(120, Wind), 1, 10);
        Assert.Equal("rose", incident.Verdict);
        Assert.True(incident.RunningMeanUgm3 > incident.RoutineHighUgm3);

        Assert.Equal("under the noise threshold", Detector.Explain(Day, Sensors, Plume(40, Wind), 1, 15).Verdict);
        Assert.Equal("a wind it never had (not judged)", Detector.Explain(Day, Sensors, Plume(120, (day, hour) => day == 7 ? 180 : Wind(day, hour)), 1, 10).Verdict);
    }

    [Fact]
    public void A_rise_too_faint_for_one_sensor_is_an_episode_where_a_neighbour_rose_with_it_with_ConfirmedRiseSigmas()
    {
        // S2 moved to about 450 m from S1. Both are noisy (20 %) and gain 11 µg/m³ from 14:00 to 16:00 on the day: about 2.7
        // robust standard deviations of their running means, more than ConfirmedRiseSigmas and less than RiseSigmas. S1
        // alone gaining it stays noise.
        AnomalySensor[] close = [.. Sensors.Select((x, i) => i == 2 ? x with { Latitude = Sensors[1].Latitude + 0.004 } : x)];
        HourlyPm25 Faint(params int[] raised) => Grid(_ => 0.2, (s, day, hour, _) => raised.Contains(s) && day == 7 && hour is >= 14 and < 16 ? 11 : 0, (_, _) => double.NaN);
        var confirming = With(o => o.ConfirmedRiseSigmas = 2);
        IReadOnlyList<Anomaly> Found(HourlyPm25 grid, AnomalyDetector detector) =>
            [.. detector.Detect(Day, close, grid, new Dictionary<string, (double, double)>()).Where(a => a.Category == Anomaly.Pollution)];

        var episode = Assert.Single(Found(Faint(1, 2), confirming));
        Assert.Equal(["S1", "S2"], episode.SensorIds);
        Assert.Empty(Found(Faint(1, 2), Detector));
        Assert.Empty(Found(Faint(1), confirming));
        // Two sensors 5 km apart rising together are not neighbours: S1 stays noise (S3 is steadier and rises on its own).
        Assert.DoesNotContain(Found(Faint(1, 3), confirming), a => a.SensorIds.Contains("S1"));
    }

    [Fact]
    public void A_rise_under_its_routine_high_is_an_episode_where_a_neighbour_cleared_its_own_with_RoutineConfirmedByNeighbour()
    {
        // S2 moved to about 450 m from S1, both noisy (20 %). With the east wind (baseline days 1 and 3, and the day) S1
        // once read 120 µg/m³ more in the small hours; S2 never rose. On the day, from 14:00 to 16:00, S1 gains 60 (under
        // its routine high with that wind) and S2 11 (under RiseSigmas, but more than it ever read with that wind): a plume
        // reaching further than any before.
        static double Wind(int day, int hour) => day is 1 or 3 or 7 ? 90 : 270;
        AnomalySensor[] close = [.. Sensors.Select((x, i) => i == 2 ? x with { Latitude = Sensors[1].Latitude + 0.004 } : x)];
        HourlyPm25 Reach(double atS2) => Grid(_ => 0.2, (s, day, hour, _) =>
            s == 1 && day == 1 && hour < 3 ? 120
            : day == 7 && hour is >= 14 and < 16 ? s == 1 ? 60 : s == 2 ? atS2 : 0 : 0, Wind);
        IReadOnlyList<Anomaly> Found(HourlyPm25 grid, AnomalyDetector detector) =>
            [.. detector.Detect(Day, close, grid, new Dictionary<string, (double, double)>()).Where(a => a.Category == Anomaly.Pollution)];
        var reaching = With(o => (o.ConfirmedRiseSigmas, o.RoutineConfirmedByNeighbour) = (2, true));

        var episode = Assert.Single(Found(Reach(11), reaching));
        Assert.Equal(["S1", "S2"], episode.SensorIds);
        Assert.Empty(Found(Reach(11), With(o => o.ConfirmedRiseSigmas = 2)));
        Assert.Empty(Found(Reach(11), Detector));
        // Without the neighbour's rise S1 stays under its routine high.
        Assert.Empty(Found(Reach(0), reaching));
    }

    [Fact]
    public void Without_wind_the_usual_level_is_learnt_by_hour_and_type_of_day()
    {
        // The same site raises S1 every weekday morning; no wind was measured at all.
        var grid = Grid(_ => 0.05, (s, day, hour, _) => s == 1 && hour is >= 9 and < 12 && day is not (5 or 6) ? 40 : 0, (_, _) => double.NaN);

        Assert.Empty(Episodes(grid));
    }

    [Fact]
    public void The_threshold_follows_each_sensors_own_noise()
    {
        // S1 is steady (3 % noise), S4 noisy (30 %); both gain 20 µg/m³ from 14:00 to 15:00 on the day.
        var grid = Grid(s => s == 4 ? 0.3 : 0.03, (s, day, hour, _) => s is 1 or 4 && day == 7 && hour == 14 ? 20 : 0, (_, _) => double.NaN);

        var episode = Assert.Single(Episodes(grid));
        Assert.Equal(["S1"], episode.SensorIds);
        Assert.Matches(@"noise ±\d\.\d µg/m³", episode.Detail);
    }

    [Fact]
    public void With_RoutineDays_2_an_old_incident_seen_on_one_day_with_this_wind_does_not_hide_a_new_one()
    {
        // The wind from the east on two baseline weekdays (days 1 and 3) and on the day. On day 1 only, an incident at the
        // site beside S1 added 120 µg/m³ in the small hours; on the day the site adds 60 from 10:00 to 12:00. Counted
        // only when reached on two days, the old incident does not set the routine high.
        static double Wind(int day, int hour) => day is 1 or 3 or 7 ? 90 : 270;
        var grid = Grid(_ => 0.05, (s, day, hour, _) => s != 1 ? 0
            : day == 1 && hour < 3 ? 120
            : day == 7 && hour is >= 10 and < 12 ? 60 : 0, Wind);

        var episode = Assert.Single(Episodes(grid, With(o => o.RoutineDays = 2)));
        Assert.Equal(["S1"], episode.SensorIds);
        // By default (the single highest level) the old incident hides it.
        Assert.Empty(Episodes(grid));
    }

    [Fact]
    public void A_rise_with_a_wind_the_sensor_never_had_is_not_judged()
    {
        // The wind from the east (90°) on baseline days 1 and 3 and from the west otherwise; on the day from 130°, 40° off
        // any wind S1 had (beyond RoutineWindDeg), and a site that wind brings adds 40 µg/m³ to S1 from 10:00 to 12:00. S1's
        // history holds nothing to tell a site's everyday plume with that wind from an incident.
        static double Wind(int day, int hour) => day is 1 or 3 ? 90 : day == 7 ? 130 : 270;
        var grid = Grid(_ => 0.05, (s, day, hour, _) => s == 1 && day == 7 && hour is >= 10 and < 12 ? 40 : 0, Wind);

        Assert.Empty(Episodes(grid));
        // With RoutineWindMinDays 0 there is just no routine high, and it is an episode.
        Assert.Equal(["S1"], Assert.Single(Episodes(grid, With(o => o.RoutineWindMinDays = 0))).SensorIds);
        // The same rise with a wind S1 had on one baseline day (90°) is judged, and rises.
        var seen = Grid(_ => 0.05, (s, day, hour, _) => s == 1 && day == 7 && hour is >= 10 and < 12 ? 40 : 0, (day, hour) => day is 1 or 3 or 7 ? 90 : 270);
        Assert.Equal(["S1"], Assert.Single(Episodes(seen)).SensorIds);
    }

    [Fact]
    public void A_single_sharp_15_minute_rise_that_the_running_mean_dilutes_is_found()
    {
        // A steady S1 (3 % noise) gains 15 µg/m³ for one quarter hour, 14:15 to 14:30: a quarter of it in the hour's
        // running mean is below MinRiseUgm3, but against the noise of single 15-minute means it is sharp.
        var grid = Grid(_ => 0.03, (s, day, hour, k) => s == 1 && day == 7 && hour == 14 && k == 1 ? 15 : 0, (_, _) => double.NaN);

        var episode = Assert.Single(Episodes(grid, With(o => o.MinRiseQuarters = 1)));
        Assert.Equal(["S1"], episode.SensorIds);
        Assert.Contains("sharp rise", episode.Detail, StringComparison.Ordinal);
        Assert.Empty(Episodes(grid, With(o => (o.MinRiseQuarters, o.SharpRiseSigmas) = (1, 0))));
    }

    [Fact]
    public void With_CityWideRiseShare_sensors_that_rise_all_in_the_same_quarters_are_the_weather_not_an_incident()
    {
        // S1 and S3, 11 km apart, both gain 40 µg/m³ from 18:00 to 19:00 on the day (an evening's still air reaching every
        // sensor beside a site at once); S5 alone gains 40 µg/m³ from 10:00 to 11:00 (an incident).
        var grid = Grid(_ => 0.05, (s, day, hour, _) => day != 7 ? 0 : s is 1 or 3 && hour == 18 || s == 5 && hour == 10 ? 40 : 0, (_, _) => double.NaN);

        // By default each is an episode of its own.
        Assert.Equal(["S1", "S3", "S5"], Episodes(grid).SelectMany(a => a.SensorIds).Order(StringComparer.Ordinal));
        // With a third of the sensors (2 of 6) rising together as the weather, only the incident is left.
        Assert.Equal(["S5"], Assert.Single(Episodes(grid, With(o => o.CityWideRiseShare = 0.3))).SensorIds);
    }
}
