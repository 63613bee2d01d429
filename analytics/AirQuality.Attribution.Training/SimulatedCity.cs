using AirQuality.Aggregation.Calibration;
using AirQuality.Aggregation.Daily;
using AirQuality.Aggregation;
using AirQuality.Anomalies;
using AirQuality.Simulation.Truth;
using AirQuality.Simulation;
using AirQuality.Storage.Registry;

namespace AirQuality.Attribution.Training;

/// <summary>
/// A simulated world run in memory at hourly resolution for training and scoring attribution: what the city would
/// have measured (<see cref="Hours"/>), and what really happened (<see cref="Truth"/>, each emitter's contribution to
/// each sensor-hour).
/// </summary>
/// <remarks>
/// The same <see cref="AirQualityWorld"/> as <c>airq simulate</c>, sampled every <c>step</c> instead of at each sensor's
/// reporting interval, and averaged into hourly means the way <c>sensor_hourly</c> does (an hour holds readings in
/// (start, start + 1 h]); the Kafka and database path is left out because thousands of simulated days are needed.
/// </remarks>
public sealed class SimulatedCity : IContributionSink
{
    /// <summary>Contributions below this per reading are not kept, µg/m³: far too small to decide an episode.</summary>
    const double KeepUgm3 = 0.2;

    readonly Dictionary<long, Dictionary<int, double>> _contributions = [];
    readonly Dictionary<long, Dictionary<int, double>> _abnormal = [];
    readonly Dictionary<Incident, double> _peakRaise = new(ReferenceEqualityComparer.Instance);
    readonly long _firstHour;
    readonly NetworkCapabilities _network;
    readonly int _samplesPerHour;

    /// <summary>15-minute PM2.5 means, [sensor × hours × 4 + quarter], µg/m³; NaN in a quarter no sample fell in.</summary>
    readonly double[] _quarters;

    /// <summary>Hourly mean relative humidity of each sensor's readings, [sensor × hours], %; NaN where none carried it.</summary>
    readonly double[] _rh;

    SimulatedCity(CityRegistry registry, AirQualityWorld world, long firstHour, int hours, int samplesPerHour, NetworkCapabilities network)
    {
        _network = network;
        Registry = registry;
        World = world;
        _firstHour = firstHour;
        _samplesPerHour = samplesPerHour;
        Hours = new CityHours(registry.Sensors, registry.Sources, firstHour, hours);
        _quarters = new double[registry.Sensors.Count * hours * HourlyPm25.QuartersPerHour];
        _rh = new double[registry.Sensors.Count * hours];
    }

    public CityRegistry Registry { get; }

    public AirQualityWorld World { get; }

    public CityTruth Truth => World.Truth;

    public CityHours Hours { get; }

    /// <summary>Which seed and period, for the model file and reports.</summary>
    public required string Name { get; init; }

    /// <summary>How a world is named in labelled episodes and incidents: its seed and the days simulated, baseline included.</summary>
    public static string WorldName(int seed, DateOnly firstDay, int days) => $"seed {seed}, {firstDay:yyyy-MM-dd} + {days} days";

    /// <summary>Simulates from local midnight of <paramref name="firstDay"/> for <paramref name="days"/> days, sampling every <paramref name="step"/>.</summary>
    public static SimulatedCity Run(CityRegistry registry, int seed, DateOnly firstDay, int days, TimeZoneInfo zone, TimeSpan step,
        WorldPhysics? physics = null, NetworkCapabilities? network = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        if (step <= TimeSpan.Zero || TimeSpan.FromHours(1).Ticks % step.Ticks != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "The sampling step must divide an hour.");
        }

        // The registry's stated hours are this world's true ones (its physics may move them); blank ones stay blank.
        registry = RegistryGenerator.WithHoursOf(registry, physics ?? WorldPhysics.Standard);
        var startUtc = LocalDays.StartOf(firstDay, zone).UtcDateTime;
        var endUtc = LocalDays.StartOf(firstDay.AddDays(days), zone).UtcDateTime;
        var start = new DateTimeOffset(startUtc, TimeSpan.Zero);
        var world = new AirQualityWorld(registry, seed, start, endUtc - startUtc, physics);
        var firstHour = (startUtc.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerHour;
        var hours = (int)((endUtc - startUtc).Ticks / TimeSpan.TicksPerHour);
        var samplesPerHour = (int)(TimeSpan.FromHours(1).Ticks / step.Ticks);
        var city = new SimulatedCity(registry, world, firstHour, hours, samplesPerHour, network ?? NetworkCapabilities.Full)
        {
            Name = WorldName(seed, firstDay, days),
        };
        world.Contributions = city;
        city.Simulate(start, hours, step);
        return city;
    }

    /// <summary>Each emitter's mean contribution to sensor <paramref name="s"/> in <paramref name="hour"/>, µg/m³ (see <see cref="IContributionSink"/> for emitter numbers).</summary>
    public IReadOnlyDictionary<int, double> Contributions(int s, int hour) =>
        _contributions.TryGetValue((long)s * Hours.Hours + hour, out var c) ? c : Empty;

    /// <summary>
    /// The part of <see cref="Contributions"/> that came from emission above each emitter's usual level (an incident):
    /// all of an unregistered emitter's, the excess over its usual emission of a registered source's, µg/m³.
    /// </summary>
    public IReadOnlyDictionary<int, double> AbnormalContributions(int s, int hour) =>
        _abnormal.TryGetValue((long)s * Hours.Hours + hour, out var c) ? c : Empty;

    /// <summary>
    /// The most <paramref name="incident"/> raised any sensor's reading above what its emitter usually adds, µg/m³: the
    /// incident's abnormal contribution at one sample (every 15 minutes here, so a 15-minute mean); 0 when it reached none.
    /// </summary>
    public double PeakRaise(Incident incident) => _peakRaise.GetValueOrDefault(incident);

    static readonly Dictionary<int, double> Empty = [];

    /// <summary>The detector's input for <paramref name="day"/>, cut from the simulated hours and quarters (every hour complete, no flat lines).</summary>
    public HourlyPm25 Grid(AnomalyDetector detector, DateOnly day)
    {
        var (target, baseline) = detector.Window(day);
        var offset = (int)(baseline.FirstHour - Hours.FirstHour);
        var span = (int)(target.FirstHour - baseline.FirstHour) + target.Hours;
        if (offset < 0 || offset + span > Hours.Hours)
        {
            throw new ArgumentOutOfRangeException(nameof(day), day, "The simulated period does not cover that day and its baseline days.");
        }

        var n = Hours.Sensors.Count;
        const int Q = HourlyPm25.QuartersPerHour;
        var values = new double[n * span];
        var quarters = new double[n * span * Q];
        for (var s = 0; s < n; s++)
        {
            Array.Copy(Hours.Pm25, s * Hours.Hours + offset, values, s * span, span);
            Array.Copy(_quarters, (s * Hours.Hours + offset) * Q, quarters, s * span * Q, span * Q);
        }

        var readings = new int[n * target.Hours];
        Array.Fill(readings, _samplesPerHour);
        return new HourlyPm25(baseline.FirstHour, span, values, quarters, Hours.WindFromDeg[offset..(offset + span)], readings, new bool[n * target.Hours])
        {
            WindSpeedMs = Hours.WindSpeedMs[offset..(offset + span)],
        };
    }

    /// <summary>
    /// Corrects the micro sensors' PM2.5 the way production does with <c>Anomalies:Pm25 = Corrected</c>: the network-wide
    /// calibration (<see cref="CalibrationFitter"/>, the production fitter) fitted on the first <paramref name="fitHours"/>
    /// hours' pairs of a micro sensor's hourly mean and humidity with the mean of the national stations within
    /// <see cref="CalibrationOptions.MaxDistanceKm"/>, then applied to every hour of every micro sensor (hourly means and
    /// 15-minute means, each with its hour's humidity). Hours without humidity stay raw. Null, and nothing changed, when
    /// no pair covers two days.
    /// </summary>
    /// <remarks>
    /// Production fits on a rolling window before each day and re-fits daily; one fit on the baseline days (which the
    /// scored days never see) stands in for it here. Every micro sensor takes the network-wide model, as every micro
    /// sensor of the shipped registry does (none stands within <see cref="CalibrationOptions.OwnModelMaxDistanceKm"/> of
    /// a station). Stations are left as measured.
    /// </remarks>
    public CalibrationFit? CorrectMicroSensors(CalibrationOptions calibration, int fitHours)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fitHours, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fitHours, Hours.Hours);
        var sensors = Registry.Sensors;
        var stations = Enumerable.Range(0, sensors.Count).Where(i => sensors[i].Kind == RegistryCodes.NationalStation).ToArray();
        var micro = Enumerable.Range(0, sensors.Count).Where(i => sensors[i].Kind == RegistryCodes.MicroSensor).ToArray();
        var hours = Hours.Hours;
        var samples = new List<CalibrationSample>();
        foreach (var m in micro)
        {
            var near = stations.Where(t => Geo.DistanceMetres(sensors[m].Latitude, sensors[m].Longitude, sensors[t].Latitude, sensors[t].Longitude) <= calibration.MaxDistanceKm * 1000).ToArray();
            if (near.Length == 0)
            {
                continue;
            }

            for (var h = 0; h < fitHours; h++)
            {
                var (raw, rh) = (Hours.Pm25[m * hours + h], _rh[m * hours + h]);
                var values = near.Select(t => Hours.Pm25[t * hours + h]).Where(v => !double.IsNaN(v)).ToArray();
                if (!double.IsNaN(raw) && !double.IsNaN(rh) && values.Length > 0)
                {
                    samples.Add(new CalibrationSample(raw, rh, values.Average(), (int)((_firstHour + h) / 24)));
                }
            }
        }

        if (CalibrationFitter.Fit(samples, calibration.Folds) is not { } fit)
        {
            return null;
        }

        const int Q = HourlyPm25.QuartersPerHour;
        foreach (var m in micro)
        {
            for (var h = 0; h < hours; h++)
            {
                var rh = _rh[m * hours + h];
                if (double.IsNaN(rh))
                {
                    continue;
                }

                Hours.Pm25[m * hours + h] = fit.Model.Apply(Hours.Pm25[m * hours + h], rh);
                for (var k = 0; k < Q; k++)
                {
                    var at = (m * hours + h) * Q + k;
                    _quarters[at] = double.IsNaN(_quarters[at]) ? double.NaN : fit.Model.Apply(_quarters[at], rh);
                }
            }
        }

        return fit;
    }

    void IContributionSink.Add(int sensor, int emitter, DateTimeOffset at, double ugm3)
    {
        if (ugm3 < KeepUgm3)
        {
            return;
        }

        var hour = (int)(HourOf(at) - _firstHour);
        var key = (long)sensor * Hours.Hours + hour;
        AddTo(_contributions, key, emitter, ugm3 / _samplesPerHour);
        var registered = Registry.Sources.Count;
        var (incident, share) = emitter < registered
            ? Truth.IncidentAt(emitter, at) is { } x ? (x.Incident, x.AbnormalShare) : (null, 0)
            : (Truth.Unregistered[emitter - registered], 1.0);
        if (incident is not null && share > 0)
        {
            AddTo(_abnormal, key, emitter, ugm3 * share / _samplesPerHour);
            _peakRaise[incident] = Math.Max(_peakRaise.GetValueOrDefault(incident), ugm3 * share);
        }
    }

    static void AddTo(Dictionary<long, Dictionary<int, double>> cells, long key, int emitter, double ugm3)
    {
        if (!cells.TryGetValue(key, out var cell))
        {
            cells[key] = cell = [];
        }

        cell[emitter] = cell.GetValueOrDefault(emitter) + ugm3;
    }

    void Simulate(DateTimeOffset start, int hours, TimeSpan step)
    {
        var sensors = Registry.Sensors;
        var n = sensors.Count;
        var pm25 = new double[n];
        var pm10 = new double[n];
        var (so2, so2Count, co, coCount) = (new double[n], new int[n], new double[n], new int[n]);
        var (rh, rhCount) = (new double[n], new int[n]);
        const int Q = HourlyPm25.QuartersPerHour;
        var (quarter, quarterCount) = (new double[n * Q], new int[n * Q]);
        var monitored = World.MonitoredSources.Select(s => Hours.SourceIndex(s.SourceId)!.Value).ToArray();
        var particulate = new double[monitored.Length];
        var particulateCount = new int[monitored.Length];
        for (var h = 0; h < hours; h++)
        {
            Array.Clear(pm25);
            Array.Clear(pm10);
            Array.Clear(so2);
            Array.Clear(so2Count);
            Array.Clear(co);
            Array.Clear(coCount);
            Array.Clear(rh);
            Array.Clear(rhCount);
            Array.Clear(particulate);
            Array.Clear(particulateCount);
            Array.Clear(quarter);
            Array.Clear(quarterCount);
            var (east, north, speed, winds) = (0.0, 0.0, 0.0, 0);
            for (var k = 1; k <= _samplesPerHour; k++)
            {
                var at = start + TimeSpan.FromHours(h) + step * k;
                // The sample at the end of a quarter belongs to it, as a reading does to its hour.
                var inQuarter = (int)Math.Ceiling((step * k).Ticks * (double)Q / TimeSpan.TicksPerHour) - 1;
                for (var s = 0; s < n; s++)
                {
                    var r = World.Reading(s, at);
                    pm25[s] += r.Pm25 ?? 0;
                    quarter[s * Q + inQuarter] += r.Pm25 ?? 0;
                    quarterCount[s * Q + inQuarter]++;
                    pm10[s] += r.Pm10 ?? 0;
                    if (r.So2 is { } sulphur)
                    {
                        so2[s] += sulphur;
                        so2Count[s]++;
                    }

                    if (r.Humidity is { } humidity)
                    {
                        rh[s] += humidity;
                        rhCount[s]++;
                    }

                    if (r.Co is { } monoxide)
                    {
                        co[s] += monoxide;
                        coCount[s]++;
                    }

                    if (r.WindSpeed is { } u && r.WindDirection is { } d && _network.ReportsWind(s))
                    {
                        east += u * Math.Sin(d * Math.PI / 180);
                        north += u * Math.Cos(d * Math.PI / 180);
                        speed += u;
                        winds++;
                    }
                }

                for (var m = 0; m < monitored.Length; m++)
                {
                    if (World.Telemetry(m, at).Particulate is { } p)
                    {
                        particulate[m] += p;
                        particulateCount[m]++;
                    }
                }
            }

            for (var s = 0; s < n; s++)
            {
                Hours.Pm25[s * hours + h] = pm25[s] / _samplesPerHour;
                _rh[s * hours + h] = rhCount[s] > 0 ? rh[s] / rhCount[s] : double.NaN;
                for (var k = 0; k < Q; k++)
                {
                    _quarters[(s * hours + h) * Q + k] = quarterCount[s * Q + k] > 0 ? quarter[s * Q + k] / quarterCount[s * Q + k] : double.NaN;
                }

                // What the network does not measure stays missing (NaN), as CityHoursLoader leaves it.
                Hours.Pm10[s * hours + h] = _network.Pm10 ? pm10[s] / _samplesPerHour : double.NaN;
                Hours.So2[s * hours + h] = _network.Gases && so2Count[s] > 0 ? so2[s] / so2Count[s] : double.NaN;
                Hours.Co[s * hours + h] = _network.Gases && coCount[s] > 0 ? co[s] / coCount[s] : double.NaN;
            }

            if (winds > 0)
            {
                Hours.WindSpeedMs[h] = speed / winds;
                Hours.WindFromDeg[h] = CityWind.FromDegrees(east, north);
            }

            for (var m = 0; m < monitored.Length; m++)
            {
                if (particulateCount[m] > 0)
                {
                    Hours.Particulate[monitored[m] * hours + h] = particulate[m] / particulateCount[m];
                }
            }
        }
    }

    static long HourOf(DateTimeOffset at) => (at.UtcTicks - 1 - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerHour;
}
