using AirQuality.Attribution;
using AirQuality.Attribution.Model;
using AirQuality.Storage.Registry;
using AirQuality.Tests.Support;
using Xunit;

namespace AirQuality.Attribution.Tests;

/// <summary>
/// A made-up morning: a north wind, a stack 2 km north of a sensor whose telemetry jumps to five times its usual
/// particulate, another stack 2 km south with steady telemetry, and the sensors south of the first one rising, with
/// three µg/m³ of SO2 for each µg/m³ of PM2.5, as flue gas brings.
/// </summary>
public sealed class CandidateFeaturesTests
{
    static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    const double Lat = 29.55;
    const double Lon = 106.55;
    const int Hours = 8 * 24;
    const int Start = 7 * 24 + 2; // 02:00 local on the last day
    const int End = Start + 4;

    static (CityHours City, AttributionEpisode Episode) Morning(params PollutionSource[] more) => Morning(0, more);

    /// <summary>The same morning with stack A's registry entry <paramref name="aRegisteredEastKm"/> east of where it stands (2 km north of X).</summary>
    static (CityHours City, AttributionEpisode Episode) Morning(double aRegisteredEastKm, PollutionSource[] more)
    {
        static (double, double) At(double northKm, double eastKm) => Geo.Move(Lat, Lon, Math.Sqrt(northKm * northKm + eastKm * eastKm) * 1000, Math.Atan2(eastKm, northKm));
        var sensors = new List<Sensor>();
        foreach (var (id, north, east) in new[] { ("X", 0.0, 0.0), ("Y", -1.0, 0.05), ("Z", 3.5, 0.1), ("W", 0.2, 2.5), ("V", -0.5, -2.5) })
        {
            var (lat, lon) = At(north, east);
            sensors.Add(new Sensor(id, $"Sensor {id}", "D1", "T1", lat, lon, RegistryCodes.MicroSensor, 300));
        }

        var (aLat, aLon) = At(2, aRegisteredEastKm);
        var (bLat, bLon) = At(-2, 0);
        var sources = new List<PollutionSource>
        {
            new("A", "Stack A", "steel", "D1", "T1", "1 North Road", aLat, aLon, 60, true, 20, 100, null, 3),
            new("B", "Stack B", "power", "D1", "T1", "1 South Road", bLat, bLon, 60, true, 20, 60, null, 3),
        };
        sources.AddRange(more);
        var firstHour = (new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.FromHours(8)).UtcTicks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerHour;
        var city = new CityHours(sensors, sources, firstHour, Hours);
        var random = new Random(5);
        var gasNoise = new Random(6);
        for (var h = 0; h < Hours; h++)
        {
            city.WindFromDeg[h] = 0; // from the north, blowing south
            city.WindSpeedMs[h] = 2.5;
            for (var s = 0; s < sensors.Count; s++)
            {
                var rise = h is >= Start and < End && sensors[s].SensorId is "X" or "Y" ? 80 : 0;
                city.Pm25[s * Hours + h] = 30 + 4 * random.NextDouble() + rise;
                city.Pm10[s * Hours + h] = city.Pm25[s * Hours + h] * 1.5;
                city.So2[s * Hours + h] = 8 + 2 * gasNoise.NextDouble() + 3 * rise;
                city.Co[s * Hours + h] = 0.7 + 0.05 * gasNoise.NextDouble() + 0.002 * rise;
            }

            city.Particulate[0 * Hours + h] = 9 * (h is >= Start - 1 and < End ? 5 : 1) * (0.95 + 0.1 * random.NextDouble());
            city.Particulate[1 * Hours + h] = 9 * (0.95 + 0.1 * random.NextDouble());
        }

        return (city, new AttributionEpisode(0, new DateOnly(2026, 6, 8), [0, 1], Start, End, 0, Start + 1));
    }

    [Fact]
    public void The_upwind_stack_whose_telemetry_jumped_stands_out_from_the_downwind_one()
    {
        var (city, episode) = Morning();
        var candidates = CandidateFeatures.Compute(city, new PlumeEstimator(city, Zone), episode, new AttributionOptions());
        double F(string source, string feature) => candidates.Single(c => city.Sources[c.Source].SourceId == source).Features[CandidateFeatures.Index(feature)];

        Assert.Equal(2, candidates.Count);
        Assert.True(F("A", "wind_alignment") > 0.95);
        Assert.True(F("B", "wind_alignment") < -0.95);
        Assert.InRange(F("A", "telemetry_ratio_log"), Math.Log(5) - 0.15, Math.Log(5) + 0.15);
        Assert.InRange(F("B", "telemetry_ratio_log"), -0.1, 0.1);
        Assert.True(F("A", "plume_share") > 0.99, "Only the upwind stack's plume reaches the sensors.");
        Assert.Equal(1, F("A", "inverse_plume_rank"));
        Assert.True(F("A", "downwind_rose_share") > 0.5);
        Assert.True(double.IsNaN(F("B", "downwind_rose_share")), "No sensor lies downwind of B: not measured, not 0.");
        Assert.True(F("A", "telemetry_correlation") > 0.8);
        Assert.InRange(F("A", "coarse_excess_ratio"), 1.4, 1.6);
        Assert.Equal(0, F("A", "dust_site_log_dust_share"));
        Assert.InRange(F("A", "stack_log_fine_share"), Math.Log(0.85), Math.Log(0.95));
    }

    [Fact]
    public void Coarse_dust_on_top_of_the_rise_shows_in_the_coarse_excess_ratio()
    {
        var (city, episode) = Morning();
        foreach (var s in episode.Sensors)
        {
            for (var h = Start; h < End; h++)
            {
                // Each µg/m³ of added PM2.5 came with 4 of PM10, as from earthworks.
                city.Pm10[s * Hours + h] = (city.Pm25[s * Hours + h] - 80) * 1.5 + 4 * 80;
            }
        }

        var candidates = CandidateFeatures.Compute(city, new PlumeEstimator(city, Zone), episode, new AttributionOptions());
        Assert.All(candidates, c => Assert.InRange(c.Features[CandidateFeatures.Index("coarse_excess_ratio")], 3.6, 4.4));
        Assert.All(candidates, c => Assert.InRange(c.Facts.CoarseExcessRatio, 3.6, 4.4));
        Assert.All(candidates, c => Assert.InRange(c.Features[CandidateFeatures.Index("stack_log_fine_share")], Math.Log(0.05), Math.Log(0.15)));
    }

    [Fact]
    public void The_gases_that_came_with_the_particles_tell_flue_gas_from_smoke()
    {
        var (city, episode) = Morning();
        double F(IReadOnlyList<Candidate> candidates, string source, string feature) =>
            candidates.Single(c => city.Sources[c.Source].SourceId == source).Features[CandidateFeatures.Index(feature)];

        var flueGas = CandidateFeatures.Compute(city, new PlumeEstimator(city, Zone), episode, new AttributionOptions());
        Assert.InRange(F(flueGas, "A", "episode_so2_log"), Math.Log(2.8 + 0.1), Math.Log(3.2 + 0.1));
        Assert.Equal(F(flueGas, "A", "episode_so2_log"), F(flueGas, "A", "emits_so2_episode_so2"));
        Assert.InRange(F(flueGas, "A", "episode_co_log"), Math.Log(1.5 + 1), Math.Log(2.5 + 1));
        Assert.True(F(flueGas, "A", "so2_footprint_correlation") > 0.5, "SO2 rose where stack A's plume goes.");
        Assert.True(F(flueGas, "A", "so2_footprint_correlation") > F(flueGas, "B", "so2_footprint_correlation"));

        // A sensor without gas cells is left out of the ratio, rather than counting its PM2.5 as having come without SO2.
        (city, episode) = Morning();
        Array.Fill(city.So2, double.NaN, 1 * Hours, Hours);
        var oneAnalyser = CandidateFeatures.Compute(city, new PlumeEstimator(city, Zone), episode, new AttributionOptions());
        Assert.InRange(F(oneAnalyser, "A", "episode_so2_log"), Math.Log(2.8 + 0.1), Math.Log(3.2 + 0.1));

        // The same rise as smoke from open burning: no SO2, six times the CO.
        (city, episode) = Morning();
        foreach (var s in episode.Sensors)
        {
            for (var h = Start; h < End; h++)
            {
                city.So2[s * Hours + h] -= 3 * 80;
                city.Co[s * Hours + h] += 0.010 * 80;
            }
        }

        var smoke = CandidateFeatures.Compute(city, new PlumeEstimator(city, Zone), episode, new AttributionOptions());
        Assert.InRange(F(smoke, "A", "episode_so2_log"), Math.Log(0.1), Math.Log(0.3 + 0.1));
        Assert.InRange(F(smoke, "A", "episode_co_log"), Math.Log(10 + 1), Math.Log(14 + 1));
    }

    [Fact]
    public void A_rise_above_the_sensors_and_the_sources_own_usual_for_the_hour_tells_an_incident_from_a_routine()
    {
        double F(CityHours city, IReadOnlyList<Candidate> candidates, string source, string feature) =>
            candidates.Single(c => city.Sources[c.Source].SourceId == source).Features[CandidateFeatures.Index(feature)];

        var (incident, episode) = Morning();
        var once = CandidateFeatures.Compute(incident, new PlumeEstimator(incident, Zone), episode, new AttributionOptions());
        Assert.True(F(incident, once, "A", "excess_over_usual_log") > 2, "The sensors A reaches stood far above what they read at that hour on other days.");
        Assert.InRange(F(incident, once, "A", "telemetry_over_hour_usual_log"), Math.Log(5) - 0.15, Math.Log(5) + 0.15);
        Assert.Equal(1, F(incident, once, "A", "rose_downwind_share"));
        Assert.Equal(0, F(incident, once, "B", "rose_downwind_share"));

        // The same morning as a routine: the sensors rise and stack A runs five times higher at these hours every day.
        var (routine, _) = Morning();
        for (var day = 0; day < 7; day++)
        {
            for (var h = Start - 24 * (day + 1); h < End - 24 * (day + 1); h++)
            {
                foreach (var s in episode.Sensors)
                {
                    routine.Pm25[s * Hours + h] += 80;
                }
            }

            for (var h = Start - 1 - 24 * (day + 1); h < End - 24 * (day + 1); h++)
            {
                routine.Particulate[h] *= 5;
            }
        }

        var daily = CandidateFeatures.Compute(routine, new PlumeEstimator(routine, Zone), episode, new AttributionOptions());
        Assert.InRange(F(routine, daily, "A", "excess_over_usual_log"), -0.3, 0.3);
        Assert.InRange(F(routine, daily, "A", "telemetry_over_hour_usual_log"), -0.3, 0.3);
    }

    [Fact]
    public void A_source_registered_a_kilometre_off_is_found_by_its_plume_from_where_it_really_stands()
    {
        // Stack A's plume (the north wind carries it south) raises X and Y; its registry entry is 1 km east of it, from
        // where the plume would pass a kilometre east of them. The plain fit reads the registered position only.
        var (city, episode) = Morning(1, []);
        var a = CandidateFeatures.Compute(city, new PlumeEstimator(city, Zone), episode, new AttributionOptions())
            .Single(c => city.Sources[c.Source].SourceId == "A");

        Assert.True(a.Features[CandidateFeatures.Index("footprint_correlation")] < 0.3, "From the registered position its plume misses the sensors that rose.");
        Assert.True(a.Features[CandidateFeatures.Index("best_fit_footprint_correlation")] > 0.6, "From a kilometre west of it, where it stands, its plume follows them.");
        Assert.Equal(1, a.Features[CandidateFeatures.Index("best_fit_offset_km")], 3);
        Assert.True(a.Features[CandidateFeatures.Index("best_fit_explained_log")] > a.Features[CandidateFeatures.Index("plume_explained_log")] + 1);
        var said = Explanation.Write(city, Zone, episode, a, [("best_fit_footprint_correlation", 1.0)]);
        Assert.Contains("match its plume best from 1.0 km W of its registered position", said, StringComparison.Ordinal);

        // Registered where it stands, the registered position is the best fit and the explanation says so.
        var (right, rightEpisode) = Morning();
        var registered = CandidateFeatures.Compute(right, new PlumeEstimator(right, Zone), rightEpisode, new AttributionOptions())
            .Single(c => right.Sources[c.Source].SourceId == "A");
        Assert.Equal(0, registered.Features[CandidateFeatures.Index("best_fit_offset_km")]);
        Assert.Contains("match its plume from its registered position", Explanation.Write(right, Zone, rightEpisode, registered, [("best_fit_offset_km", 1.0)]), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_wind_no_plume_reaches_a_sensor_and_the_best_fit_is_missing()
    {
        var (city, episode) = Morning();
        Array.Fill(city.WindFromDeg, double.NaN);
        Array.Fill(city.WindSpeedMs, double.NaN);
        var candidates = CandidateFeatures.Compute(city, new PlumeEstimator(city, Zone), episode, new AttributionOptions());

        foreach (var feature in new[] { "best_fit_footprint_correlation", "best_fit_explained_log", "best_fit_plume_share", "best_fit_offset_km" })
        {
            Assert.All(candidates, c => Assert.True(double.IsNaN(c.Features[CandidateFeatures.Index(feature)]), feature));
        }
    }

    static readonly string[] TelemetryFeatures = ["telemetry_ratio_log", "telemetry_z", "telemetry_correlation", "telemetry_over_hour_usual_log"];

    [Fact]
    public void What_the_network_did_not_measure_is_missing_and_never_explains_a_flag()
    {
        var (city, episode) = Morning();
        Array.Fill(city.Pm10, double.NaN);
        Array.Fill(city.So2, double.NaN);
        Array.Fill(city.Co, double.NaN);
        Array.Fill(city.WindFromDeg, double.NaN);
        Array.Fill(city.WindSpeedMs, double.NaN);
        Array.Fill(city.Particulate, double.NaN, 1 * Hours, Hours); // stack B sent no telemetry
        var candidates = CandidateFeatures.Compute(city, new PlumeEstimator(city, Zone), episode, new AttributionOptions());
        double F(string source, string feature) => candidates.Single(c => city.Sources[c.Source].SourceId == source).Features[CandidateFeatures.Index(feature)];

        foreach (var feature in new[]
        {
            "wind_alignment", "wind_speed_ms", "travel_hours", "downwind_rose_share", "upwind_rose_share", "coarse_excess_ratio", "dust_site_log_dust_share",
            "stack_log_fine_share", "episode_so2_log", "episode_co_log", "emits_so2_episode_so2", "no_so2_episode_so2", "so2_footprint_correlation",
            "rose_downwind_share",
        })
        {
            Assert.True(double.IsNaN(F("A", feature)), $"{feature} is {F("A", feature)} with nothing measured to compute it from.");
        }

        Assert.All(TelemetryFeatures, f => Assert.True(double.IsNaN(F("B", f)), f));
        Assert.InRange(F("A", "telemetry_ratio_log"), Math.Log(5) - 0.15, Math.Log(5) + 0.15);

        // Contributions of what was not measured come named "(missing)": no sentence is written from them.
        var said = Explanation.Write(city, Zone, episode, candidates[0], [("coarse_excess_ratio (missing)", 2.0), ("episode_so2_log (missing)", 2.0), ("telemetry_ratio_log", 1.0)]);
        Assert.DoesNotContain("PM10", said, StringComparison.Ordinal);
        Assert.DoesNotContain("SO2", said, StringComparison.Ordinal);
        Assert.Contains("permitted limit", said, StringComparison.Ordinal);

        // A flag stores what was not measured as null (source_flags.features is jsonb, which has no NaN).
        var model = AttributionModel.Load(Path.Combine(TestRegistry.RepositoryRoot, "infra", "models", "attribution-model.json"));
        var flags = new Attributor(model, new AttributionOptions()).Attribute(city, new PlumeEstimator(city, Zone), episode).Flags;
        Assert.All(flags, f => Assert.Null(f.Features["coarse_excess_ratio"]));
        Assert.All(flags, f => Assert.Contains("\"coarse_excess_ratio\":null", System.Text.Json.JsonSerializer.Serialize(f.Features), StringComparison.Ordinal));
    }

    [Fact]
    public void A_dust_site_is_said_to_have_telemetry_only_when_it_has()
    {
        var (city, episode) = Morning();
        var candidate = CandidateFeatures.Compute(city, new PlumeEstimator(city, Zone), episode, new AttributionOptions())[0];
        string Said(bool telemetry) => Explanation.Write(city, Zone, episode,
            candidate with { Facts = candidate.Facts with { DustSite = true, HasTelemetry = telemetry, WorkingHoursShare = 1, HoursFrom = HoursKnownFrom.Registry } }, [("dust_site", 1.0)]);

        Assert.EndsWith("; a dust site with a dust monitor, working during 100% of the episode (its registered hours)", Said(true), StringComparison.Ordinal);
        Assert.EndsWith("; a dust site without telemetry, working during 100% of the episode (its registered hours)", Said(false), StringComparison.Ordinal);
    }

    [Fact]
    public void A_dust_site_whose_hours_nobody_knows_has_them_missing_and_no_explanation_cites_them()
    {
        // Two dust sites beside the rise (02:00-06:00), neither with telemetry: one with registered hours 07:00-19:00, one without.
        var (lat, lon) = Geo.Move(Lat, Lon, 800, 0);
        PollutionSource Site(string id, OperatingHours? hours) =>
            new(id, $"Site {id}", "construction", "D1", "T1", "2 Site Road", lat, lon, null, false, null, null, null, 1.5, hours);
        var (city, episode) = Morning(Site("KNOWN", new OperatingHours(7, 19)), Site("UNKNOWN", null));
        var plume = new PlumeEstimator(city, Zone);
        var candidates = CandidateFeatures.Compute(city, plume, episode, new AttributionOptions());
        Candidate Of(string id) => candidates.Single(c => city.Sources[c.Source].SourceId == id);
        double F(string id, string feature) => Of(id).Features[CandidateFeatures.Index(feature)];

        Assert.Equal(HoursKnownFrom.Registry, plume.HoursFrom(city.SourceIndex("KNOWN")!.Value));
        Assert.Equal(0, F("KNOWN", "in_working_hours"));
        Assert.Equal(1, F("KNOWN", "dust_site_idle"));
        // Not 07:00-19:00 assumed: missing, so the model is told it does not know, and every hour is possible for the plume.
        Assert.Equal(HoursKnownFrom.Unknown, plume.HoursFrom(city.SourceIndex("UNKNOWN")!.Value));
        Assert.True(double.IsNaN(F("UNKNOWN", "in_working_hours")));
        Assert.True(double.IsNaN(F("UNKNOWN", "dust_site_idle")));
        Assert.Equal(1, plume.Activity(city.SourceIndex("UNKNOWN")!.Value, Start));

        var said = Explanation.Write(city, Zone, episode, Of("UNKNOWN"), [("in_working_hours", 2.0), ("dust_site", 1.0)]);
        Assert.DoesNotContain("working during", said, StringComparison.Ordinal);
        Assert.Contains("its working hours not known", said, StringComparison.Ordinal);
        Assert.Contains("working during 0% of the episode (its registered hours)",
            Explanation.Write(city, Zone, episode, Of("KNOWN"), [("in_working_hours", 2.0)]), StringComparison.Ordinal);
    }

    [Fact]
    public void The_shipped_model_flags_the_upwind_stack_first_and_says_why()
    {
        var (city, episode) = Morning();
        var model = AttributionModel.Load(Path.Combine(TestRegistry.RepositoryRoot, "infra", "models", "attribution-model.json"));
        var result = new Attributor(model, new AttributionOptions()).Attribute(city, new PlumeEstimator(city, Zone), episode);

        Assert.Equal(EpisodeAttribution.RegisteredSource, result.Verdict);
        var top = result.Flags[0];
        Assert.Equal("A", top.SourceId);
        Assert.True(top.Probability > result.Flags.Skip(1).Select(f => f.Probability).DefaultIfEmpty(0).Max());
        Assert.StartsWith("2.0 km N of X, upwind (wind 2.5 m/s)", top.Explanation, StringComparison.Ordinal);
        // The evidence named is what sets A apart here: the sensors that rose lie in its plume, which carries nearly all the
        // modelled contribution (the telemetry jump is true as well, and may rank below them).
        Assert.True(top.Explanation.Contains("match its plume", StringComparison.Ordinal) || top.Explanation.Contains("permitted limit", StringComparison.Ordinal), top.Explanation);
        Assert.Equal(CandidateFeatures.Names.Count, top.Features.Count);
    }
}
