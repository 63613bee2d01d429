using AirQuality.Aggregation.Daily;
using AirQuality.Aggregation;
using AirQuality.Storage.Registry;

namespace AirQuality.Anomalies;

/// <summary>
/// Finds the day's 15-minute means that rose above each sensor's usual level: what the sensor reads, relative to the
/// concurrent level around it, at that hour of the day, on that type of day, with that wind, learnt from its own history.
/// </summary>
/// <remarks>
/// Everything is relative: the sensor's 15-minute mean over the concurrent reference (the median of the other sensors
/// within <see cref="AnomalyOptions.ReferenceRadiusKm"/>, or of the whole city where too few are near), in logarithms. The
/// reference carries the weather and the city's daily cycle, which move every sensor together; the usual ratio at that
/// hour carries what is always there, such as a site beside the sensor that raises it every working day when the wind
/// blows from it. What is left is the incident, and the noise its threshold is measured against.
/// </remarks>
sealed class UsualLevels(AnomalyOptions options)
{
    const int Q = HourlyPm25.QuartersPerHour;

    /// <summary>Sensors within the reference radius needed for a local reference; with fewer, the city's median is used.</summary>
    const int MinReferenceSensors = 3;

    /// <summary>Wind speeds below this count as this, m/s: about where a cup anemometer stalls; calm air is not infinitely calm.</summary>
    const double MinWindSpeedMs = 0.5;

    /// <summary>At most this many of the nearest sensors within the reference radius make the reference.</summary>
    const int MaxReferenceSensors = 8;

    /// <summary>Levels below this are taken as this before logarithms, µg/m³: a clean-air reading of 0 is not infinitely below 1.</summary>
    const double FloorUgm3 = 1;

    /// <summary>
    /// A 15-minute mean that rose above its usual level: <see cref="Value"/>, <see cref="Expected"/> and <see cref="Noise"/>
    /// (one robust standard deviation there) in µg/m³, and a phrase saying which history the usual level came from.
    /// </summary>
    public readonly record struct Rise(double Value, double Expected, double Noise, string Basis, bool Sharp = false, bool Confirmed = false);

    int MinUsualQuarters => options.MinUsualQuarters;

    /// <summary>
    /// Rises of the day, [sensor × day quarters + quarter], null where the quarter did not rise (or is a fault, or
    /// the sensor has too little history to judge).
    /// </summary>
    public Rise?[] Find(List<AnomalySensor> sensors, HourlyPm25 grid, LocalDays baseline, LocalDays target, bool[] fault)
    {
        var n = sensors.Count;
        var offset = (int)(target.FirstHour - baseline.FirstHour);
        var hours = target.Hours;
        var quarters = grid.Hours * Q;
        var raw = grid.Quarters;
        // Judged on running means (an hour by default): a plume that the wind's minute-to-minute swing lays across a
        // sensor for one 15-minute mean now and then is everyday; an incident keeps adding for hours.
        var running = RunningMeans(raw, n, quarters, options.RiseWindow, fault, offset, hours);
        var calendar = Calendar(grid, offset, hours, target.TimeZone);

        var rises = new Rise?[n * hours * Q];
        // Running means that stood ConfirmedRiseSigmas high but not RiseSigmas: rises where a neighbour stood as high with them.
        var weak = options.ConfirmedRiseSigmas > 0 ? new Rise?[n * hours * Q] : null;
        // Running means that rose by RiseSigmas but stayed under the routine high: rises where a neighbour cleared its own.
        var routineBound = weak is not null && options.RoutineConfirmedByNeighbour ? new Rise?[n * hours * Q] : null;
        Judge(running, options.RiseSigmas, sharp: false);
        if (weak is not null)
        {
            Confirm(sensors, weak, routineBound, rises, hours);
        }

        // A short, sharp incident is diluted in the running mean; single 15-minute means judged against their own (larger)
        // noise and their own routine high find it. Where the running mean rose, that rise is kept.
        if (options.SharpRiseSigmas > 0 && !ReferenceEquals(running, raw))
        {
            Judge(raw, options.SharpRiseSigmas, sharp: true);
        }

        if (options.CityWideRiseShare > 0)
        {
            DropCityWide(rises, n, hours * Q);
        }

        return rises;

        void Judge(double[] values, double sigmas, bool sharp)
        {
            var judging = new Judging(this, sensors, grid, values, offset, calendar);
            for (var s = 0; s < n; s++)
            {
                for (var h = 0; h < hours; h++)
                {
                    if (fault[s * hours + h] || judging.Level(s, h) is not { } level || double.IsNaN(level.Routine))
                    {
                        continue;
                    }

                    // A single quarter is as noisy as its noise says: the highest of many before it is no routine it must
                    // merely touch, so a sharp rise clears it by one standard deviation; a running mean is steady enough not to.
                    var routineMargin = sharp ? level.Noise : 0;
                    for (var k = 0; k < Q; k++)
                    {
                        var q = s * quarters + (offset + h) * Q + k;
                        var (v, r) = (values[q], judging.Reference[q]);
                        if (double.IsNaN(v) || double.IsNaN(r))
                        {
                            continue;
                        }

                        // The running mean must rise (with rise + usual, its log ratio to the reference, above the routine high
                        // with this wind), and the quarter itself stand above the expected level: an hour's mean that ends
                        // in a plume does not make its quiet first quarter part of it.
                        var expected = Math.Max(r, FloorUgm3) * Math.Exp(level.Usual);
                        var rise = Math.Log(Math.Max(v, FloorUgm3) / expected);
                        var cell = (s * hours + h) * Q + k;
                        if (rises[cell] is not null || Math.Min(v, raw[q]) - expected < options.MinRiseUgm3)
                        {
                            continue;
                        }

                        var found = new Rise(raw[q], expected, expected * (Math.Exp(level.Noise) - 1), level.Basis, sharp);
                        if (rise + level.Usual <= level.Routine + routineMargin)
                        {
                            if (!sharp && routineBound is not null && rise >= sigmas * level.Noise)
                            {
                                routineBound[cell] = found;
                            }

                            continue;
                        }

                        if (rise >= sigmas * level.Noise)
                        {
                            rises[cell] = found;
                        }

                        if (!sharp && weak is not null && rise >= options.ConfirmedRiseSigmas * level.Noise)
                        {
                            weak[cell] = found;
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Clears every rise of a quarter in which at least <see cref="AnomalyOptions.CityWideRiseShare"/> of the sensors
    /// rose (and at least two): the weather (an evening's still air reaching every sensor beside a site at once), not an
    /// incident, which raises the sensors downwind of one place.
    /// </summary>
    void DropCityWide(Rise?[] rises, int n, int cells)
    {
        var least = Math.Max(2, (int)Math.Ceiling(options.CityWideRiseShare * n));
        for (var c = 0; c < cells; c++)
        {
            var count = 0;
            for (var s = 0; s < n; s++)
            {
                count += rises[s * cells + c] is null ? 0 : 1;
            }

            if (count < least)
            {
                continue;
            }

            for (var s = 0; s < n; s++)
            {
                rises[s * cells + c] = null;
            }
        }
    }

    /// <summary>
    /// Makes a rise of each <paramref name="weak"/> quarter (a running mean that stood <see cref="AnomalyOptions.ConfirmedRiseSigmas"/>
    /// high) where a sensor within <see cref="AnomalyOptions.NeighbourRadiusKm"/> stood as high in the same quarter.
    /// </summary>
    /// <remarks>
    /// With <see cref="AnomalyOptions.RoutineConfirmedByNeighbour"/>, also each <paramref name="routineBound"/> quarter
    /// (risen, but under its routine high) where such a neighbour stood above its own routine high.
    /// Two sensors' noise seldom peaks in the same quarter; an incident's plume, which reaches several sensors downwind
    /// at once, raises them together. Each still had to clear its own routine high with that wind and
    /// <see cref="AnomalyOptions.MinRiseUgm3"/>, which keeps a site's everyday plume over two sensors out as before.
    /// </remarks>
    void Confirm(List<AnomalySensor> sensors, Rise?[] weak, Rise?[]? routineBound, Rise?[] rises, int hours)
    {
        var cells = hours * Q;
        var neighbours = AnomalyDetector.Neighbours(sensors, options.NeighbourRadiusKm);
        var confirmed = new List<int>();
        for (var s = 0; s < sensors.Count; s++)
        {
            for (var c = 0; c < cells; c++)
            {
                var cell = s * cells + c;
                // A weak quarter is confirmed by a weak or routine-bound neighbour, a routine-bound one by a weak neighbour.
                if (rises[cell] is null && (weak[cell] is not null
                    ? neighbours[s].Any(o => (weak[o * cells + c] ?? routineBound?[o * cells + c]) is not null)
                    : routineBound?[cell] is not null && neighbours[s].Any(o => weak[o * cells + c] is not null)))
                {
                    confirmed.Add(cell);
                }
            }
        }

        // Decided on the weak quarters alone, then marked: the order of sensors does not matter.
        foreach (var cell in confirmed)
        {
            rises[cell] = (weak[cell] ?? routineBound![cell])!.Value with { Confirmed = true };
        }
    }

    /// <summary>
    /// What sensor <paramref name="s"/>'s running means were compared with in hour <paramref name="h"/> of the target
    /// day, at its quarter of highest running mean: a development aid for finding why an incident was missed.
    /// </summary>
    public RiseCheck Explain(List<AnomalySensor> sensors, HourlyPm25 grid, LocalDays baseline, LocalDays target, bool[] fault, int s, int h)
    {
        var offset = (int)(target.FirstHour - baseline.FirstHour);
        var quarters = grid.Hours * Q;
        var raw = grid.Quarters;
        var running = RunningMeans(raw, sensors.Count, quarters, options.RiseWindow, fault, offset, target.Hours);
        var judging = new Judging(this, sensors, grid, running, offset, Calendar(grid, offset, target.Hours, target.TimeZone));
        var q = Enumerable.Range(s * quarters + (offset + h) * Q, Q).Where(x => !double.IsNaN(running[x])).DefaultIfEmpty(-1).MaxBy(x => x < 0 ? double.NaN : running[x]);
        var none = new RiseCheck(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, "", "");
        if (fault[s * target.Hours + h])
        {
            return none with { Verdict = "a sensor fault" };
        }

        if (q < 0 || double.IsNaN(judging.Reference[q]))
        {
            return none with { Verdict = "no reading or reference" };
        }

        var (v, r) = (running[q], Math.Max(judging.Reference[q], FloorUgm3));
        if (judging.Level(s, h) is not { } level)
        {
            return none with { RunningMeanUgm3 = v, ReferenceUgm3 = r, Verdict = "no usable history" };
        }

        var expected = r * Math.Exp(level.Usual);
        var sigmaLevel = expected * Math.Exp(options.RiseSigmas * level.Noise);
        var routine = r * Math.Exp(level.Routine);
        var verdict = double.IsNaN(level.Routine) ? "a wind it never had (not judged)"
            : v < sigmaLevel ? "under the noise threshold"
            : v - expected < options.MinRiseUgm3 || raw[q] - expected < options.MinRiseUgm3 ? "under MinRiseUgm3"
            : v <= routine ? "under the routine high"
            : "rose";
        return new RiseCheck(v, r, expected, expected * (Math.Exp(level.Noise) - 1), sigmaLevel, routine, level.Basis, verdict);
    }

    /// <summary>
    /// The levels one series of values (running or single 15-minute means) is judged against: the concurrent reference,
    /// and for each sensor and target hour its usual log ratio, noise and routine high, learnt from its history.
    /// </summary>
    sealed class Judging
    {
        readonly UsualLevels _levels;
        readonly HourlyPm25 _grid;
        readonly double[] _values;
        readonly int _offset;
        readonly int _quarters;
        readonly (int[] Clock, bool[] Weekend, int[] DayIndex, (int[] Hours, string Basis)[][] Cells, int[][] Typical) _calendar;
        readonly int[] _anyHour;
        readonly List<double> _sample;
        readonly HashSet<int> _days = [];
        readonly List<double> _residuals;
        int _sensor = -1;
        double _sigma;
        double _typicalRatio;

        public Judging(UsualLevels levels, List<AnomalySensor> sensors, HourlyPm25 grid, double[] values, int offset,
            (int[] Clock, bool[] Weekend, int[] DayIndex, (int[] Hours, string Basis)[][] Cells, int[][] Typical) calendar)
        {
            (_levels, _grid, _values, _offset, _calendar) = (levels, grid, values, offset, calendar);
            _quarters = grid.Hours * Q;
            Reference = levels.Reference(sensors, values, _quarters);
            _anyHour = Enumerable.Range(0, offset).ToArray();
            _sample = new List<double>(offset * Q);
            _residuals = new List<double>(offset * Q);
        }

        /// <summary>Each sensor-quarter's concurrent reference level, µg/m³.</summary>
        public double[] Reference { get; }

        /// <summary>
        /// Sensor <paramref name="s"/>'s usual log ratio to its reference in target hour <paramref name="h"/>, its noise
        /// (one robust standard deviation, in logarithms), its routine high (a log ratio; NaN where that wind was never
        /// had, see <see cref="RoutineHigh"/>) and the history's wording; null where its history holds too little to judge.
        /// </summary>
        public (double Usual, double Noise, double Routine, string Basis)? Level(int s, int h)
        {
            if (s != _sensor)
            {
                // The sensor's overall noise and typical ratio serve every hour: computed once per sensor.
                _sensor = s;
                _sigma = _levels.OverallNoise(s, _values, Reference, _quarters, _calendar.Typical, _calendar.DayIndex, _sample, _residuals);
                Gather(s, _anyHour, _values, Reference, _quarters, _calendar.DayIndex, _sample, _days);
                _sample.Sort();
                _typicalRatio = _sample.Count == 0 ? double.NaN : RobustStatistics.MedianOfSorted(_sample);
            }

            if (double.IsNaN(_sigma))
            {
                return null;
            }

            foreach (var (history, basis) in _calendar.Cells[h])
            {
                Gather(s, history, _values, Reference, _quarters, _calendar.DayIndex, _sample, _days);
                if (_sample.Count >= _levels.MinUsualQuarters)
                {
                    _sample.Sort();
                    var median = RobustStatistics.MedianOfSorted(_sample);
                    var noise = Math.Max(RobustStatistics.RobustSigma(_sample, median, _residuals), _sigma);
                    var wording = AnomalyWording.Basis(basis, _days.Count);
                    var routine = _levels.RoutineHigh(s, _offset, _offset + h, _grid, _values, Reference, _quarters, _calendar.DayIndex, _typicalRatio);
                    return (median, noise, routine, wording);
                }
            }

            return null;
        }
    }

    /// <summary>
    /// What each hour of the grid was (its local clock hour, whether a weekend, its local day number), each target hour's
    /// candidate histories (most specific first; the same for every sensor), and the typical (clock hour, type of day)
    /// histories for each sensor's overall noise.
    /// </summary>
    (int[] Clock, bool[] Weekend, int[] DayIndex, (int[] Hours, string Basis)[][] Cells, int[][] Typical) Calendar(HourlyPm25 grid, int offset, int hours, TimeZoneInfo zone)
    {
        var span = grid.Hours;
        var clock = new int[span];
        var weekend = new bool[span];
        var dayIndex = new int[span];
        for (var h = 0; h < span; h++)
        {
            var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.UnixEpoch.AddHours(grid.FirstHour + h), zone);
            clock[h] = local.Hour;
            weekend[h] = local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            dayIndex[h] = DateOnly.FromDateTime(local).DayNumber;
        }

        var cells = new (int[] Hours, string Basis)[hours][];
        var anyHour = Enumerable.Range(0, offset).ToArray();
        for (var h = 0; h < hours; h++)
        {
            var at = offset + h;
            var wind = grid.WindFromDeg[at];
            var sameHour = anyHour.Where(x => clock[x] == clock[at]).ToArray();
            var sameDay = sameHour.Where(x => weekend[x] == weekend[at]).ToArray();
            bool SameWind(int x) => !double.IsNaN(wind) && !double.IsNaN(grid.WindFromDeg[x]) && AngleBetween(wind, grid.WindFromDeg[x]) <= options.WindToleranceDeg;
            var dayType = weekend[at] ? "on weekends" : "on weekdays";
            var from = double.IsNaN(wind) ? "" : $" with the wind from the {AnomalyWording.Compass(wind)}";
            cells[h] = double.IsNaN(wind)
                ? [(sameDay, $"at this hour {dayType}"), (sameHour, "at this hour"), (anyHour, "at any hour")]
                : [(sameDay.Where(SameWind).ToArray(), $"at this hour {dayType}{from}"), (sameDay, $"at this hour {dayType}"),
                    (sameHour.Where(SameWind).ToArray(), $"at this hour{from}"), (sameHour, "at this hour"), (anyHour, "at any hour")];
        }

        var typical = Enumerable.Range(0, offset).GroupBy(x => clock[x] * 2 + (weekend[x] ? 1 : 0)).Select(g => g.ToArray()).ToArray();
        return (clock, weekend, dayIndex, cells, typical);
    }

    /// <summary>
    /// Each sensor's mean over <paramref name="window"/> around each quarter (from one quarter before it), over the
    /// quarters that have a reading and are not in a fault hour of the day; NaN where the quarter itself has none.
    /// </summary>
    static double[] RunningMeans(double[] raw, int n, int quarters, TimeSpan window, bool[] fault, int offset, int hours)
    {
        var width = (int)(window.Ticks / (TimeSpan.TicksPerHour / Q));
        if (width <= 1)
        {
            return raw;
        }

        var (before, after) = ((width - 1) / 2, width / 2);
        var means = new double[raw.Length];
        for (var s = 0; s < n; s++)
        {
            var row = s * quarters;
            for (var q = 0; q < quarters; q++)
            {
                if (double.IsNaN(raw[row + q]))
                {
                    means[row + q] = double.NaN;
                    continue;
                }

                var (sum, count) = (0.0, 0);
                for (var x = Math.Max(0, q - before); x <= Math.Min(quarters - 1, q + after); x++)
                {
                    // A stuck sensor's value next door says nothing about this quarter.
                    var h = x / Q - offset;
                    if (!double.IsNaN(raw[row + x]) && (h < 0 || h >= hours || !fault[s * hours + h]))
                    {
                        sum += raw[row + x];
                        count++;
                    }
                }

                means[row + q] = sum / count;
            }
        }

        return means;
    }

    /// <summary>
    /// The highest log ratio to its reference the sensor reached, on at least <see cref="AnomalyOptions.RoutineDays"/>
    /// days of its history, while the city's wind blew from within <see cref="AnomalyOptions.RoutineWindDeg"/> of the
    /// wind of hour <paramref name="at"/>, at any hour (each level's excess over <paramref name="typicalRatio"/> scaled
    /// by the wind speed then over now, see <see cref="AnomalyOptions.RoutineWindSpeedScaling"/>); minus infinity when
    /// the wind was not measured or blew from there on fewer days; NaN (not judged) when it blew from there on fewer than
    /// <see cref="AnomalyOptions.RoutineWindMinDays"/> days.
    /// </summary>
    /// <remarks>
    /// A site's everyday plume reaches a sensor only when the wind lines them up, so at a given hour it is rare and the
    /// usual level there does not carry it; but with that wind it has been seen before. An incident adds several times
    /// what the site usually does, above anything the sensor read with that wind.
    /// </remarks>
    double RoutineHigh(int s, int historyHours, int at, HourlyPm25 grid, double[] values, double[] reference, int quarters, int[] dayIndex, double typicalRatio)
    {
        var (winds, wind) = (grid.WindFromDeg, grid.WindFromDeg[at]);
        if (double.IsNaN(wind))
        {
            return double.NegativeInfinity;
        }

        // A plume's excess is inversely proportional to the wind speed that carries it: the same site's everyday plume in a
        // calmer hour than any before it is higher, in a windier one lower. Where either speed is unknown, unscaled.
        var speeds = options.RoutineWindSpeedScaling ? grid.WindSpeedMs : null;
        var now = speeds is null ? double.NaN : Math.Max(speeds[at], MinWindSpeedMs);

        // Each local day's highest; the routine is what the sensor reached on RoutineDays days or more.
        var daily = new Dictionary<int, double>();
        for (var h = 0; h < historyHours; h++)
        {
            if (double.IsNaN(winds[h]) || AngleBetween(wind, winds[h]) > options.RoutineWindDeg)
            {
                continue;
            }

            for (var k = 0; k < Q; k++)
            {
                var q = s * quarters + h * Q + k;
                if (!double.IsNaN(values[q]) && !double.IsNaN(reference[q]))
                {
                    var ratio = Math.Log(Math.Max(values[q], FloorUgm3) / Math.Max(reference[q], FloorUgm3));
                    if (speeds is not null && !double.IsNaN(now) && !double.IsNaN(speeds[h]) && ratio > typicalRatio)
                    {
                        // The excess over the sensor's typical ratio, scaled by then/now wind speed.
                        ratio = typicalRatio + Math.Log(1 + (Math.Exp(ratio - typicalRatio) - 1) * Math.Max(speeds[h], MinWindSpeedMs) / now);
                    }

                    daily[dayIndex[h]] = daily.TryGetValue(dayIndex[h], out var high) ? Math.Max(high, ratio) : ratio;
                }
            }
        }

        // A wind the sensor had on fewer than RoutineWindMinDays days may bring a site's plume it never had, and nothing in its
        // history tells that everyday plume from an incident: the hour is not judged.
        if (daily.Count < options.RoutineWindMinDays)
        {
            return double.NaN;
        }

        if (daily.Count < options.RoutineDays)
        {
            return double.NegativeInfinity;
        }

        return daily.Values.OrderDescending().ElementAt(options.RoutineDays - 1);
    }

    /// <summary>Each sensor-quarter's concurrent reference level, µg/m³: the median of the other sensors near it, or of the city.</summary>
    double[] Reference(List<AnomalySensor> sensors, double[] values, int quarters)
    {
        var n = sensors.Count;
        // The nearest few within the radius: enough for a robust median, and the cost stays small in a dense centre.
        var near = AnomalyDetector.Neighbours(sensors, options.ReferenceRadiusKm)
            .Select((others, s) => others.OrderBy(o => Geo.DistanceMetres(sensors[s].Latitude, sensors[s].Longitude, sensors[o].Latitude, sensors[o].Longitude)).Take(MaxReferenceSensors).ToArray()).ToArray();
        var city = new double[quarters];
        var buffer = new double[n];
        for (var q = 0; q < quarters; q++)
        {
            var count = 0;
            for (var s = 0; s < n; s++)
            {
                if (!double.IsNaN(values[s * quarters + q]))
                {
                    buffer[count++] = values[s * quarters + q];
                }
            }

            city[q] = count == 0 ? double.NaN : RobustStatistics.MedianInPlace(buffer.AsSpan(0, count));
        }

        var reference = new double[n * quarters];
        for (var s = 0; s < n; s++)
        {
            var others = near[s];
            for (var q = 0; q < quarters; q++)
            {
                var count = 0;
                foreach (var o in others)
                {
                    if (!double.IsNaN(values[o * quarters + q]))
                    {
                        buffer[count++] = values[o * quarters + q];
                    }
                }

                reference[s * quarters + q] = count >= MinReferenceSensors ? RobustStatistics.MedianInPlace(buffer.AsSpan(0, count)) : city[q];
            }
        }

        return reference;
    }

    /// <summary>
    /// One robust standard deviation of the sensor's log ratio to its reference around its usual at each clock hour
    /// and type of day, over its whole history; NaN when it has no history.
    /// </summary>
    double OverallNoise(int s, double[] values, double[] reference, int quarters, int[][] typical, int[] dayIndex, List<double> sample, List<double> residuals)
    {
        var all = new List<double>();
        var days = new HashSet<int>();
        foreach (var history in typical)
        {
            Gather(s, history, values, reference, quarters, dayIndex, sample, days);
            if (sample.Count < 2)
            {
                continue;
            }

            sample.Sort();
            var median = RobustStatistics.MedianOfSorted(sample);
            all.AddRange(sample.Select(x => x - median));
        }

        if (all.Count < options.MinUsualQuarters)
        {
            return double.NaN;
        }

        return RobustStatistics.RobustSigma(all, 0, residuals);
    }

    /// <summary>The sensor's log ratios to its reference in the history hours, and the days they came from.</summary>
    static void Gather(int s, int[] history, double[] values, double[] reference, int quarters, int[] dayIndex, List<double> sample, HashSet<int> days)
    {
        sample.Clear();
        days.Clear();
        foreach (var h in history)
        {
            for (var k = 0; k < Q; k++)
            {
                var q = s * quarters + h * Q + k;
                if (!double.IsNaN(values[q]) && !double.IsNaN(reference[q]))
                {
                    sample.Add(Math.Log(Math.Max(values[q], FloorUgm3) / Math.Max(reference[q], FloorUgm3)));
                    days.Add(dayIndex[h]);
                }
            }
        }
    }

    static double AngleBetween(double a, double b)
    {
        var d = Math.Abs(a - b) % 360;
        return d > 180 ? 360 - d : d;
    }
}
