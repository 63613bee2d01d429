using AirQuality.Aggregation;
using AirQuality.Storage.Registry;

namespace AirQuality.Attribution;

/// <summary>
/// The features of each candidate source for an episode: geometry and wind, the plume model's prediction, the
/// source's own telemetry, which sensors rose downwind and stayed quiet upwind, the dust signature and working hours.
/// </summary>
/// <remarks>
/// A sensor's excess is its hourly PM2.5 above the city's median that hour. Episode cells are the episode's sensors
/// in its hours; the neighbourhood is every sensor within the search radius of the peak sensor, from an hour before
/// the episode to an hour after.
/// </remarks>
public static class CandidateFeatures
{
    /// <summary>Excess that counts a sensor as having risen, µg/m³.</summary>
    const double RoseUgm3 = 15;
    const double DownwindCosine = 0.9; // within about 25° of the wind
    const double UpwindCosine = -0.5;
    const double CombustionCoarseRatio = 1.1;
    const double DustCoarseRatio = 4;
    const double ShareFloor = 0.05; // a little room for what the ratio cannot see

    /// <summary>The feature names in the order of the model's vector, from <see cref="CandidateFeatureValues.Table"/>.</summary>
    public static readonly IReadOnlyList<string> Names = [.. CandidateFeatureValues.Table.Select(f => f.Name)];

    /// <summary>The position of feature <paramref name="name"/> in the vector; throws for a name that is not a feature.</summary>
    public static int Index(string name)
    {
        for (var i = 0; i < Names.Count; i++)
        {
            if (Names[i] == name)
            {
                return i;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(name), name, $"CandidateFeatures has no feature {name}.");
    }

    /// <summary>The candidates of an episode (registered sources within the search radius of any of its sensors), with features.</summary>
    public static IReadOnlyList<Candidate> Compute(CityHours city, PlumeEstimator plume, AttributionEpisode episode, AttributionOptions options)
    {
        var radiusM = options.SearchRadiusKm * 1000;
        var lead = (int)Math.Ceiling(options.Lead.TotalHours);
        var peak = city.Sensors[episode.PeakSensor];
        var sources = Enumerable.Range(0, city.Sources.Count)
            .Where(j => episode.Sensors.Any(s => Distance(city.Sources[j], city.Sensors[s]) <= radiusM)).ToArray();
        var neighbourhood = Enumerable.Range(0, city.Sensors.Count).Where(s => Distance(peak, city.Sensors[s]) <= radiusM).ToArray();
        var cells = episode.Sensors.SelectMany(s => Enumerable.Range(episode.StartHour, episode.EndHour - episode.StartHour).Select(h => (s, h))).ToArray();
        var excessSum = cells.Sum(c => city.Excess(c.s, c.h));
        var localCells = neighbourhood.SelectMany(s => Enumerable.Range(episode.StartHour - 1, episode.EndHour - episode.StartHour + 2)
            .Where(h => h >= 0 && h < city.Hours).Select(h => (s, h))).ToArray();
        var localExcess = localCells.Select(c => city.Excess(c.s, c.h)).ToArray();
        var hours = Enumerable.Range(episode.StartHour, episode.EndHour - episode.StartHour).ToArray();
        var wind = hours.Where(h => !double.IsNaN(city.WindSpeedMs[h])).Select(h => city.WindSpeedMs[h]).DefaultIfEmpty(double.NaN).Average();
        var coarse = CoarseExcessRatio(city, cells);
        var dustShare = DustShare(coarse);
        var (so2PerPm25, coPerPm25) = GasPerPm25(city, cells, localCells, episode);
        var episodeSo2Log = Math.Log(so2PerPm25 + 0.1);
        var episodeCoLog = Math.Log(coPerPm25 * 1000 + 1);
        var localSo2 = localCells.Any(c => !double.IsNaN(city.So2[c.s * city.Hours + c.h]))
            ? localCells.Select(c => GasExcess(city.So2, city.BackgroundSo2(c.h), city, c.s, c.h)).ToArray()
            : null;
        // The same for every candidate: when and how big the episode is. Unregistered emitters keep hours of their own
        // (open burning in the evening, cooking at meal times) and rarely last long; these let the model abstain.
        var startHour = plume.LocalHour(episode.StartHour);
        var episodeLogHours = Math.Log(episode.EndHour - episode.StartHour);
        var episodeLogSensors = Math.Log(episode.Sensors.Length);
        var evening = startHour is >= 18 and < 23 ? 1 : 0;
        var mealTime = startHour is >= 11 and < 13 or >= 17 and < 19 ? 1 : 0;
        // Each episode cell's usual excess at that hour in a like wind, from the sensor's own other days.
        var cellUsual = SensorUsual(city, cells, episode.StartHour - lead, episode.EndHour);

        var raw = new List<(int Source, CandidateFeatureValues X, CandidateFacts Facts, double Distance, double Plume, double Footprint)>();
        foreach (var j in sources)
        {
            var source = city.Sources[j];
            var distance = Distance(source, peak);
            var nearest = episode.Sensors.Min(s => Distance(source, city.Sensors[s]));
            var (alignment, bearing) = Alignment(city, source, peak, episode);
            var predicted = cells.Sum(c => plume.Unit(j, c.s, c.h) * plume.ReportedEmission(j, c.h));
            var usual = cells.Sum(c => plume.Unit(j, c.s, c.h) * plume.UsualEmission(j, c.h));
            var footprintCells = localCells.Select(c => plume.Unit(j, c.s, c.h) * plume.Activity(j, c.h)).ToArray();
            var footprint = Correlation(footprintCells, localExcess);
            // The same fit from where the source may really stand, the registry's position being off by up to a kilometre.
            var bestFit = DisplacedPlumeFit.Find(plume, j, localCells, localExcess, cells, footprintCells, predicted);
            var telemetry = Telemetry(city, plume, j, episode, lead);
            var (down, downRose, up, upRose) = DownwindUpwind(city, source, episode);
            // The share of the episode in the source's working hours, from the registry or its telemetry; missing (NaN) when
            // neither tells them, never a guess such as 07:00-19:00.
            var working = plume.HoursFrom(j) == HoursKnownFrom.Unknown ? double.NaN : hours.Count(h => plume.Working(j, h) == true) / (double)hours.Length;
            var required = (excessSum + 1) / (usual + 0.1);
            var dustSite = plume.IsDustSite(j) ? 1.0 : 0.0;
            var hasTelemetry = source.HasTelemetry ? 1.0 : 0.0;
            var requiredLog = Math.Clamp(Math.Log(required), -3, 10);
            var emitsSo2 = source.PermittedSo2Mgm3 is not null ? 1 : 0;
            var so2Footprint = localSo2 is null ? double.NaN : emitsSo2 * Correlation(footprintCells, localSo2);
            // What the network did not measure is missing (NaN), never a stand-in value: no wind, no telemetry, no PM10, no gases.
            // The plume share and the ranks compare candidates, so they are filled in once all are known.
            var x = new CandidateFeatureValues
            {
                LogDistanceKm = Math.Log(nearest / 1000 + 0.1),
                WindAlignment = alignment,
                WindSpeedMs = wind,
                TravelHours = Math.Min(12, distance / Math.Max(0.3, wind) / 3600),
                PlumeExplainedLog = Math.Log((predicted + 1) / (excessSum + 1)),
                FootprintCorrelation = footprint,
                RequiredFactorLog = requiredLog,
                HasTelemetry = hasTelemetry,
                TelemetryRatioLog = telemetry.PeakOverUsual is { } r ? Math.Log(Math.Max(r, 0.05)) : double.NaN,
                TelemetryZ = telemetry.Z,
                TelemetryCorrelation = telemetry.Correlation,
                DownwindRoseShare = down == 0 ? double.NaN : downRose / (double)down,
                UpwindRoseShare = up == 0 ? double.NaN : upRose / (double)up,
                CoarseExcessRatio = coarse,
                InWorkingHours = working,
                DustSite = dustSite,
                // Incidents run at several times a source's usual emission: far more than that, and it cannot be this source;
                // much less, and its everyday emission would explain it (not an incident).
                RequiredFactorImplausible = Math.Max(0, Math.Log(required) - Math.Log(30)),
                RequiredFactorSmall = Math.Max(0, Math.Log(3) - Math.Log(required)),
                EpisodeLogHours = episodeLogHours,
                EpisodeLogSensors = episodeLogSensors,
                EpisodeEvening = evening,
                EpisodeMealTime = mealTime,
                // Interactions a linear model cannot form by itself.
                DustSiteIdle = dustSite == 0 ? 0 : 1 - working,
                DustSiteRequiredFactorLog = dustSite * requiredLog,
                UnmonitoredInEvening = (1 - hasTelemetry) * evening,
                // Logs, because the chance that a dust site did it scales with the share that looks like dust: none, and it cannot be.
                DustSiteLogDustShare = dustSite * Math.Log(dustShare + ShareFloor),
                StackLogFineShare = (1 - dustSite) * Math.Log(1 - dustShare + ShareFloor),
                // The gases that came with the particles: a stack's flue gas brings SO2, open burning brings CO, dust neither.
                EpisodeSo2Log = episodeSo2Log,
                EpisodeCoLog = episodeCoLog,
                EmitsSo2EpisodeSo2 = emitsSo2 * episodeSo2Log,
                NoSo2EpisodeSo2 = (1 - emitsSo2) * episodeSo2Log,
                DustSiteEpisodeCo = dustSite * episodeCoLog,
                So2FootprintCorrelation = so2Footprint,
                TelemetryOverHourUsualLog = TelemetryOverHourUsual(city, j, episode, lead),
                ExcessOverUsualLog = ExcessOverUsual(city, plume, j, cells, cellUsual),
                RoseDownwindShare = RoseDownwind(city, source, cells, radiusM),
                BestFitFootprintCorrelation = bestFit?.Correlation ?? double.NaN,
                BestFitExplainedLog = bestFit is null ? double.NaN : Math.Log((bestFit.Predicted + 1) / (excessSum + 1)),
                BestFitOffsetKm = bestFit is null ? double.NaN : bestFit.OffsetM / 1000,
            };
            var facts = new CandidateFacts(distance / 1000, bearing, double.IsNaN(wind) ? 0 : wind, alignment,
                telemetry.PeakMgm3, source.PermittedParticulateMgm3, telemetry.PeakOverUsual, telemetry.HighSince,
                down, downRose, up, upRose, predicted, 0, footprint, required, plume.IsDustSite(j), source.HasTelemetry, working, coarse,
                so2PerPm25, coPerPm25, so2Footprint, plume.HoursFrom(j), bestFit);
            raw.Add((j, x, facts, nearest, predicted, footprint));
        }

        var totalPlume = raw.Sum(r => r.Plume);
        var totalBestFit = raw.Sum(r => r.Facts.BestFit?.Predicted ?? 0);
        var distanceRank = Ranks(raw.Select(r => -r.Distance).ToArray());
        var plumeRank = Ranks(raw.Select(r => r.Plume).ToArray());
        var footprintRank = Ranks(raw.Select(r => r.Footprint).ToArray());
        var candidates = new List<Candidate>(raw.Count);
        for (var i = 0; i < raw.Count; i++)
        {
            var (j, x, facts, _, predicted, _) = raw[i];
            var share = totalPlume > 0 ? predicted / totalPlume : 0;
            var features = x with
            {
                PlumeShare = share,
                InverseDistanceRank = 1.0 / distanceRank[i],
                InversePlumeRank = 1.0 / plumeRank[i],
                InverseFootprintRank = 1.0 / footprintRank[i],
                BestFitPlumeShare = facts.BestFit is not { } fit ? double.NaN : totalBestFit > 0 ? fit.Predicted / totalBestFit : 0,
            };
            candidates.Add(new Candidate(j, features.ToVector(), facts with { PlumeShare = share }));
        }

        return candidates;
    }

    /// <summary>Mean cosine between where the wind blew and the bearing from the source to the peak sensor over the episode's hours (1: straight downwind).</summary>
    static (double Alignment, double BearingFromSensor) Alignment(CityHours city, PollutionSource source, Sensor peak, AttributionEpisode episode)
    {
        var (east, north) = Geo.OffsetMetres(source.Latitude, source.Longitude, peak.Latitude, peak.Longitude);
        var towardsSensor = Math.Atan2(east, north);
        var bearingFromSensor = (Math.Atan2(-east, -north) * 180 / Math.PI + 360) % 360;
        var (sum, count) = (0.0, 0);
        for (var h = Math.Max(0, episode.StartHour - 1); h < episode.EndHour; h++)
        {
            if (!double.IsNaN(city.WindFromDeg[h]))
            {
                var windTowards = (city.WindFromDeg[h] + 180) * Math.PI / 180;
                sum += Math.Cos(windTowards - towardsSensor);
                count++;
            }
        }

        return (count == 0 ? double.NaN : sum / count, bearingFromSensor);
    }

    sealed record TelemetrySummary(double? PeakMgm3, double? PeakOverUsual, double Z, double Correlation, int? HighSince);

    static TelemetrySummary Telemetry(CityHours city, PlumeEstimator plume, int j, AttributionEpisode episode, int lead)
    {
        var (median, mad) = plume.Usual(j);
        if (double.IsNaN(median))
        {
            return new TelemetrySummary(null, null, double.NaN, double.NaN, null);
        }

        double? peak = null;
        int? highSince = null;
        for (var h = Math.Max(0, episode.StartHour - lead); h < episode.EndHour; h++)
        {
            var v = city.Particulate[j * city.Hours + h];
            if (double.IsNaN(v))
            {
                continue;
            }

            peak = peak is { } p ? Math.Max(p, v) : v;
            if (highSince is null && median > 0 && v >= 2 * median)
            {
                highSince = h;
            }
        }

        if (peak is null)
        {
            return new TelemetrySummary(null, null, double.NaN, double.NaN, null);
        }

        var z = Math.Clamp((peak.Value - median) / (RobustStatistics.SigmaFromMad(mad) + 0.01 * median + 1e-9), -5, 20);
        // Lagged correlation: the source's particulate against the peak sensor's excess, the sensor 0–2 hours behind.
        var best = 0.0;
        for (var lag = 0; lag <= 2; lag++)
        {
            var pairs = Enumerable.Range(episode.StartHour - 6, episode.EndHour - episode.StartHour + 9)
                .Where(h => h - lag >= 0 && h < city.Hours && !double.IsNaN(city.Particulate[j * city.Hours + h - lag]))
                .Select(h => (E: city.Particulate[j * city.Hours + h - lag], S: city.Excess(episode.PeakSensor, h))).ToArray();
            if (pairs.Length >= 4)
            {
                best = Math.Max(best, Correlation([.. pairs.Select(p => p.E)], [.. pairs.Select(p => p.S)]));
            }
        }

        return new TelemetrySummary(peak, median > 0 ? peak / median : null, z, best, highSince);
    }

    /// <summary>Each cell's usual excess at its hour of day in a like wind, from the sensor's other days (NaN without enough of them).</summary>
    static double[] SensorUsual(CityHours city, (int s, int h)[] cells, int skipFrom, int skipTo)
    {
        var series = new Dictionary<int, double[]>();
        return [.. cells.Select(c =>
        {
            if (!series.TryGetValue(c.s, out var excess))
            {
                excess = new double[city.Hours];
                for (var h = 0; h < city.Hours; h++)
                {
                    excess[h] = double.IsNaN(city.Pm25[c.s * city.Hours + h]) ? double.NaN : city.Excess(c.s, h);
                }

                series[c.s] = excess;
            }

            return UsualForHour.Median(excess, 0, city.Hours, c.h, skipFrom, skipTo, city.WindFromDeg);
        })];
    }

    /// <summary>Log of the sensors' excess over their usual for the hour, where source <paramref name="j"/>'s plume reaches them (weighted by it).</summary>
    static double ExcessOverUsual(CityHours city, PlumeEstimator plume, int j, (int s, int h)[] cells, double[] usual)
    {
        var (weight, excess, typical) = (0.0, 0.0, 0.0);
        for (var i = 0; i < cells.Length; i++)
        {
            var w = plume.Unit(j, cells[i].s, cells[i].h);
            if (double.IsNaN(usual[i]) || !(w > 0))
            {
                continue;
            }

            (weight, excess, typical) = (weight + w, excess + w * city.Excess(cells[i].s, cells[i].h), typical + w * usual[i]);
        }

        // A plume that reaches the cells only in its far tail says nothing about them.
        return weight < 1e-6 ? double.NaN : Math.Log((excess / weight + 1) / (typical / weight + 1));
    }

    /// <summary>Log of the source's highest particulate over the episode (from the lead before it) against its own median at that hour.</summary>
    static double TelemetryOverHourUsual(CityHours city, int j, AttributionEpisode episode, int lead)
    {
        var best = double.NaN;
        var from = Math.Max(0, episode.StartHour - lead);
        for (var h = from; h < episode.EndHour; h++)
        {
            var v = city.Particulate[j * city.Hours + h];
            var usual = UsualForHour.Median(city.Particulate, j * city.Hours, city.Hours, h, from, episode.EndHour);
            if (!double.IsNaN(v) && usual > 0)
            {
                var ratio = Math.Log(Math.Max(v / usual, 0.05));
                best = double.IsNaN(best) ? ratio : Math.Max(best, ratio);
            }
        }

        return best;
    }

    /// <summary>Of the episode's cells that rose, the share within 45° downwind of the source.</summary>
    static double RoseDownwind(CityHours city, PollutionSource source, (int s, int h)[] cells, double radiusM)
    {
        var (rose, downwind) = (0, 0);
        foreach (var (s, h) in cells)
        {
            var (east, north) = Geo.OffsetMetres(source.Latitude, source.Longitude, city.Sensors[s].Latitude, city.Sensors[s].Longitude);
            var d = Math.Sqrt(east * east + north * north);
            if (double.IsNaN(city.WindFromDeg[h]) || city.Excess(s, h) < RoseUgm3 || d < 100 || d > radiusM)
            {
                continue;
            }

            rose++;
            downwind += Math.Cos((city.WindFromDeg[h] + 180) * Math.PI / 180 - Math.Atan2(east, north)) >= Math.Cos(Math.PI / 4) ? 1 : 0;
        }

        return rose == 0 ? double.NaN : downwind / (double)rose;
    }

    static (int Down, int DownRose, int Up, int UpRose) DownwindUpwind(CityHours city, PollutionSource source, AttributionEpisode episode)
    {
        var (down, downRose, up, upRose) = (0, 0, 0, 0);
        for (var s = 0; s < city.Sensors.Count; s++)
        {
            var (east, north) = Geo.OffsetMetres(source.Latitude, source.Longitude, city.Sensors[s].Latitude, city.Sensors[s].Longitude);
            var d = Math.Sqrt(east * east + north * north);
            if (d < 100 || d > 4_000)
            {
                continue;
            }

            var towards = Math.Atan2(east, north);
            for (var h = episode.StartHour; h < episode.EndHour; h++)
            {
                if (double.IsNaN(city.WindFromDeg[h]))
                {
                    continue;
                }

                var cos = Math.Cos((city.WindFromDeg[h] + 180) * Math.PI / 180 - towards);
                var rose = city.Excess(s, h) >= RoseUgm3;
                if (cos >= DownwindCosine)
                {
                    down++;
                    downRose += rose ? 1 : 0;
                }
                else if (cos <= UpwindCosine)
                {
                    up++;
                    upRose += rose ? 1 : 0;
                }
            }
        }

        return (down, downRose, up, upRose);
    }

    /// <summary>
    /// PM10 over PM2.5 of what the episode added: the episode sensors' PM10 above the city's median over their PM2.5
    /// above it. Near 1 for smoke and flue gas, 3 or more for dust; the background's own ratio is about 1.5.
    /// </summary>
    static double CoarseExcessRatio(CityHours city, (int s, int h)[] cells)
    {
        var (pm10, pm25) = (0.0, 0.0);
        foreach (var (s, h) in cells)
        {
            var (a, b) = (city.Pm10[s * city.Hours + h], city.Pm25[s * city.Hours + h]);
            var excess = b - city.Background(h);
            if (!double.IsNaN(a) && !double.IsNaN(excess) && excess > 0)
            {
                (pm10, pm25) = (pm10 + a - city.BackgroundPm10(h), pm25 + excess);
            }
        }

        // No PM10 measured with the added PM2.5, or nothing added: nothing to judge by, so missing.
        return pm25 < 1 || double.IsNaN(pm10) ? double.NaN : Math.Clamp(pm10 / pm25, 0, 8);
    }

    /// <summary>
    /// The SO2 (µg/m³) and CO (mg/m³) the episode added per µg/m³ of PM2.5 it added: each above the city's median that
    /// hour, over the episode's sensor-hours whose PM2.5 rose and that measured the gas. About 1 to 10 SO2 for a
    /// stack's flue gas and under 0.1 for anything else; about 0.012 CO for open burning and 0.002 or less for stacks
    /// and cooking. Where none of the episode's sensors measures a gas, its neighbours within the radius in the same
    /// hours stand in; where none of them does either, the gas is missing (NaN), not "none came".
    /// </summary>
    static (double So2, double Co) GasPerPm25(CityHours city, (int s, int h)[] cells, (int s, int h)[] neighbourhood, AttributionEpisode episode)
    {
        var nearby = neighbourhood.Where(c => c.h >= episode.StartHour && c.h < episode.EndHour).ToArray();
        double PerPm25(double[] gas, Func<int, double> background) =>
            GasPerPm25(city, cells, gas, background) ?? GasPerPm25(city, nearby, gas, background) ?? double.NaN;
        return (PerPm25(city.So2, city.BackgroundSo2), PerPm25(city.Co, city.BackgroundCo));
    }

    static double? GasPerPm25(CityHours city, (int s, int h)[] cells, double[] gas, Func<int, double> background)
    {
        var (added, pm25, measured) = (0.0, 0.0, false);
        foreach (var (s, h) in cells)
        {
            if (double.IsNaN(gas[s * city.Hours + h]))
            {
                continue;
            }

            measured = true;
            var excess = city.Excess(s, h);
            if (excess > 0)
            {
                (added, pm25) = (added + GasExcess(gas, background(h), city, s, h), pm25 + excess);
            }
        }

        // A signed sum, so the analysers' noise cancels; below zero means none.
        return !measured ? null : pm25 < 1 ? 0 : Math.Max(0, added) / pm25;
    }

    /// <summary>A gas's value above the city's median that hour, signed; 0 when either is missing.</summary>
    static double GasExcess(double[] gas, double background, CityHours city, int s, int h)
    {
        var v = gas[s * city.Hours + h];
        return double.IsNaN(v) || double.IsNaN(background) ? 0 : v - background;
    }

    /// <summary>
    /// How much of the added PM2.5 looks like dust, from its PM10/PM2.5 ratio between that of combustion (about 1.1:
    /// smoke and flue gas are nearly all fine) and that of fugitive dust (about 4: PM2.5 is a quarter of its PM10).
    /// </summary>
    public static double DustShare(double coarseExcessRatio) => Math.Clamp((coarseExcessRatio - CombustionCoarseRatio) / (DustCoarseRatio - CombustionCoarseRatio), 0, 1);

    /// <summary>1 for the largest value, 2 for the next, and so on.</summary>
    static int[] Ranks(double[] values)
    {
        var order = Enumerable.Range(0, values.Length).OrderByDescending(i => values[i]).ToArray();
        var ranks = new int[values.Length];
        for (var r = 0; r < order.Length; r++)
        {
            ranks[order[r]] = r + 1;
        }

        return ranks;
    }

    /// <summary>Pearson correlation; 0 when either side does not vary (<see cref="RobustStatistics.Correlation"/>).</summary>
    public static double Correlation(double[] a, double[] b) => RobustStatistics.Correlation(a, b);

    static double Distance(PollutionSource source, Sensor sensor) => Geo.DistanceMetres(source.Latitude, source.Longitude, sensor.Latitude, sensor.Longitude);

    static double Distance(Sensor a, Sensor b) => Geo.DistanceMetres(a.Latitude, a.Longitude, b.Latitude, b.Longitude);
}
