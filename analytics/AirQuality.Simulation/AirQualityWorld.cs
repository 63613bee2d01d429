using AirQuality.Contracts;
using AirQuality.Dispersion;
using AirQuality.Simulation.Truth;
using AirQuality.Storage.Registry;

namespace AirQuality.Simulation;

/// <summary>
/// A city's air as untidy as a real one: a regional PM2.5 background that wanders, a daily cycle, hour-by-hour
/// weather with Pasquill stability, and every source's Gaussian plume (<see cref="GaussianPlume"/>) carried to each
/// sensor by the wind that sensor feels. Sources run near their usual emission and sometimes have incidents;
/// emitters the registry does not know cause episodes of their own (<see cref="CityTruth"/>).
/// </summary>
/// <remarks>
/// What makes it untidy, on purpose: registry positions and emission estimates are somewhat off; dust sites send
/// no telemetry; some stacks keep reporting their usual level during an incident; each sensor's local wind differs
/// from the reported one; humid air inflates low-cost (micro) sensor readings. Deterministic for a seed and period:
/// one <see cref="Random"/>, advanced in a fixed order. The micro sensors' gas cells draw their noise from a second
/// one, so that giving them gases left every other value of a seed's world where it was.
/// </remarks>
public sealed class AirQualityWorld
{
    const double MaxPlumeDistanceM = 15_000;

    readonly Random _random;
    readonly Random _gasNoise;
    readonly Sensor[] _sensors;
    readonly int[] _monitored;
    readonly (int Source, double Dx, double Dy)[][] _nearby;
    readonly double[] _districtFactor;
    readonly int[] _sensorDistrict;
    readonly double[] _sensorWindOffsetDeg;
    readonly WeatherGenerator _weatherGenerator;
    readonly int _seed;
    readonly DateTimeOffset _start;
    MicroSensorErrors? _sensorErrors;
    MicroSensorErrors.Drawn[]? _drawnErrors;
    Weather _weather;
    double _background;
    long _hour = long.MinValue;

    public AirQualityWorld(CityRegistry registry, int seed, DateTimeOffset start, TimeSpan duration, WorldPhysics? physics = null)
    {
        _random = new Random(seed);
        (_seed, _start) = (seed, start);
        _gasNoise = new Random(unchecked(seed * 7919 + 104_729));
        _sensors = [.. registry.Sensors];
        Truth = new CityTruth(registry, _random, start, duration, physics);
        _monitored = [.. registry.Sources.Select((p, i) => (p, i)).Where(x => x.p.HasTelemetry).Select(x => x.i)];
        MonitoredSources = [.. _monitored.Select(i => registry.Sources[i])];
        var districts = registry.Districts.Select(d => d.DistrictId).ToList();
        _districtFactor = [.. districts.Select(_ => 0.85 + 0.35 * _random.NextDouble())];
        _sensorDistrict = [.. _sensors.Select(s => districts.IndexOf(s.DistrictId))];
        _sensorWindOffsetDeg = [.. _sensors.Select(_ => 12 * WeatherGenerator.Normal(_random))];
        _nearby = [.. _sensors.Select(s => Enumerable.Range(0, registry.Sources.Count)
            .Select(i => (Source: i, Offset: Geo.OffsetMetres(Truth.Latitude[i], Truth.Longitude[i], s.Latitude, s.Longitude)))
            .Where(x => Math.Sqrt(x.Offset.East * x.Offset.East + x.Offset.North * x.Offset.North) < MaxPlumeDistanceM)
            .Select(x => (x.Source, x.Offset.East, x.Offset.North))
            .ToArray())];
        _background = 30 + 10 * _random.NextDouble();
        _weatherGenerator = new WeatherGenerator(_random);
        _weather = _weatherGenerator.Next(LocalHour(start));
    }

    public IReadOnlyList<Sensor> Sensors => _sensors;

    /// <summary>The sources that send continuous emission monitoring data.</summary>
    public IReadOnlyList<PollutionSource> MonitoredSources { get; }

    /// <summary>The true sources, emissions and incidents: the ground truth.</summary>
    public CityTruth Truth { get; }

    /// <summary>When set, told every emitter's plume contribution to each reading: the truth attribution is scored against.</summary>
    public IContributionSink? Contributions { get; set; }

    /// <summary>When set, told each reading's true PM2.5 (µg/m³) at the sensor, before sensor noise and humidity: the truth calibration is scored against.</summary>
    public Action<int, DateTimeOffset, double>? TruePm25 { get; set; }

    /// <summary>
    /// When set, each micro sensor reads with errors of its own (<see cref="MicroSensorErrors"/>), drawn from the seed;
    /// null (the default) leaves every reading as the standard world draws it. Set it before the first reading.
    /// </summary>
    public MicroSensorErrors? SensorErrors
    {
        get => _sensorErrors;
        set => (_sensorErrors, _drawnErrors) = (value, value?.Draw(_sensors.Length, _seed));
    }

    /// <summary>The errors drawn for each sensor (by index) under <see cref="SensorErrors"/>, or null: the truth that calibration and the drift flag are scored against.</summary>
    public IReadOnlyList<MicroSensorErrors.Drawn>? DrawnSensorErrors => _drawnErrors;

    /// <summary>The weather of the hour last simulated.</summary>
    public Weather Weather => _weather;

    /// <summary>Monitored source <paramref name="index"/>'s emission record at <paramref name="at"/>: its flue gas follows its true emission, unless it under-reports an incident.</summary>
    public SourceTelemetry Telemetry(int index, DateTimeOffset at)
    {
        AdvanceWeather(at);
        var i = _monitored[index];
        var source = MonitoredSources[index];
        var (emission, incident) = Truth.Emission(i, at, LocalHour(at));
        var ratio = incident is { UnderReported: true } ? 1 : emission / Truth.BaselineGs[i];
        double? Level(double? permitted) => permitted is { } p ? Math.Round(p * 0.45 * ratio * (1 + 0.1 * WeatherGenerator.Normal(_random)), 2) : null;
        return new SourceTelemetry(source.SourceId, at,
            Particulate: source.PermittedParticulateMgm3 is null ? Math.Round(0.5 * ratio, 2) : Level(source.PermittedParticulateMgm3),
            So2: Level(source.PermittedSo2Mgm3), Nox: Level(source.PermittedNoxMgm3),
            FlueGasFlow: Truth.FlueFlowM3s[i] > 0 ? Math.Round(Truth.FlueFlowM3s[i] * 3600 * (0.9 + 0.2 * _random.NextDouble()), 0) : null,
            OperatingStatus: OperatingStatuses.Running);
    }

    /// <summary>The reading sensor <paramref name="index"/> reports at <paramref name="at"/> (UTC).</summary>
    public SensorReading Reading(int index, DateTimeOffset at)
    {
        AdvanceWeather(at);
        var sensor = _sensors[index];
        var localHour = LocalHour(at);
        var cycle = 1 + 0.22 * Math.Exp(-Math.Pow(localHour - 8.5, 2) / 4) + 0.3 * Math.Exp(-Math.Pow(localHour - 21, 2) / 6)
            - 0.25 * Math.Exp(-Math.Pow(localHour - 15, 2) / 8);
        var windFrom = _weather.WindFromDeg + _sensorWindOffsetDeg[index] + 8 * WeatherGenerator.Normal(_random);
        var (plume, plumePm10, so2, co) = (0.0, 0.0, 0.0, 0.0);
        foreach (var (source, dx, dy) in _nearby[index])
        {
            var (emission, _) = Truth.Emission(source, at, localHour);
            var c = Plume(dx, dy, Truth.Sources[source].StackHeightM ?? 0, Truth.FlueFlowM3s[source], emission, windFrom, Truth.DustSite[source] ? 50 : 5);
            plume += c;
            plumePm10 += c * Truth.CoarseRatio[source];
            so2 += c * Truth.So2PerPm25[source];
            co += c * Truth.CoPerPm25[source];
            if (c > 0)
            {
                Contributions?.Add(index, source, at, c);
            }
        }

        for (var k = 0; k < Truth.Unregistered.Count; k++)
        {
            var emitter = Truth.Unregistered[k];
            if (at >= emitter.Start && at < emitter.End)
            {
                var (dx, dy) = Geo.OffsetMetres(emitter.Latitude, emitter.Longitude, sensor.Latitude, sensor.Longitude);
                var c = Plume(dx, dy, 2, 0, emitter.EmissionGs, windFrom, 20);
                plume += c;
                plumePm10 += c * CityTruth.UnregisteredCoarseRatio(emitter);
                co += c * CityTruth.UnregisteredCoPerPm25(emitter);
                if (c > 0)
                {
                    Contributions?.Add(index, Truth.Sources.Count + k, at, c);
                }
            }
        }

        var micro = sensor.Kind == RegistryCodes.MicroSensor;
        so2 = Math.Min(so2, 4000); // within the analysers' range, as PM2.5 is clamped below
        var noise = Math.Exp(WeatherGenerator.Normal(_random) * (micro ? 0.12 : 0.04));
        // Low-cost optical sensors count water-swollen particles as PM: humid air inflates their readings.
        var humidityBias = micro ? 1 + 0.5 * Math.Max(0, _weather.HumidityPct - 70) / 30 : 1;
        var regional = _background * _districtFactor[_sensorDistrict[index]] * cycle;
        var pm25 = Math.Clamp((regional + plume) * noise * humidityBias, 1, 1500);
        if (micro && _drawnErrors is { } errors)
        {
            // The sensor's own gain (drifting from the start), humidity response and offset; nothing here draws from _random.
            var e = errors[index];
            humidityBias = 1 + e.Kappa * Math.Max(0, _weather.HumidityPct - 70) / 30;
            var gain = Math.Max(0.1, e.Gain * (1 + e.DriftPerDay * (at - _start).TotalDays));
            pm25 = Math.Clamp((regional + plume) * gain * noise * humidityBias + e.OffsetUgm3, 1, 1500);
        }

        TruePm25?.Invoke(index, at, regional + plume);
        // PM10 carries each emitter's coarse fraction: dust raises it far more than smoke does.
        var pm10 = Math.Clamp((regional * (1.45 + 0.2 * _random.NextDouble()) + plumePm10) * noise, pm25 / humidityBias, 4000);
        return new SensorReading(
            sensor.SensorId, at, Math.Round(pm25, 1),
            Pm10: Math.Round(pm10, 1),
            No2: micro ? null : Math.Round(25 + 20 * cycle * _random.NextDouble(), 1),
            // Gases from the same plumes: SO2 with stack gas, CO with smoke. The stations' analysers are precise; a micro
            // sensor's electrochemical cells read a few µg/m³ (SO2) or a tenth of a mg/m³ (CO) either way and a tenth off in scale.
            So2: micro ? MicroGas(8 + so2, 5, 1) : Math.Round(6 + 6 * _random.NextDouble() + so2, 1),
            // Ozone builds in afternoon sunshine and is titrated by the traffic peaks.
            O3: micro ? null : Math.Round(Math.Max(5, 40 + 110 * Math.Exp(-Math.Pow(localHour - 15, 2) / 10) * (0.8 + 0.4 * _random.NextDouble())), 1),
            Co: micro ? MicroGas(0.6 + 0.2 * cycle + co, 0.1, 2) : Math.Round(0.5 + 0.4 * cycle * _random.NextDouble() + co, 2),
            Temperature: Math.Round(_weather.TemperatureC, 1),
            Humidity: Math.Round(_weather.HumidityPct, 1),
            WindSpeed: micro ? null : Math.Round(Math.Max(0.1, _weather.WindSpeedMs * (1 + 0.1 * WeatherGenerator.Normal(_random))), 1),
            WindDirection: micro ? null : Math.Round((_weather.WindFromDeg + 10 * WeatherGenerator.Normal(_random) + 360) % 360, 0),
            Pressure: micro ? null : Math.Round(985 + 3 * WeatherGenerator.Normal(_random), 1));
    }

    double MicroGas(double truth, double noise, int digits) =>
        Math.Round(Math.Max(0, truth * (1 + 0.1 * WeatherGenerator.Normal(_gasNoise)) + noise * WeatherGenerator.Normal(_gasNoise)), digits);

    void AdvanceWeather(DateTimeOffset at)
    {
        var hour = at.ToUnixTimeSeconds() / 3600;
        if (hour == _hour)
        {
            return;
        }

        // The world steps hour by hour; the first call starts it where the simulation starts.
        var steps = _hour == long.MinValue ? 1 : Math.Clamp(hour - _hour, 1, 48);
        for (var i = 0; i < steps; i++)
        {
            _background = Math.Clamp(_background + 0.9 * WeatherGenerator.Normal(_random) + 0.02 * (35 - _background), 8, 150);
            _weather = _weatherGenerator.Next(LocalHour(at));
        }

        _hour = hour;
    }

    double Plume(double dx, double dy, double stackHeightM, double flueFlowM3s, double emissionGs, double windFromDeg, double initialSpreadM)
    {
        // Rotate into wind coordinates: x along the direction the wind blows towards.
        var towards = (windFromDeg + 180) * Math.PI / 180;
        var (ux, uy) = (Math.Sin(towards), Math.Cos(towards));
        var x = dx * ux + dy * uy;
        var y = -dx * uy + dy * ux;
        return GaussianPlume.GroundConcentration(emissionGs, x, y, stackHeightM, flueFlowM3s, _weather.WindSpeedMs, _weather.Stability, initialSpreadM);
    }

    /// <summary>China Standard Time (UTC+8), hours since local midnight.</summary>
    static double LocalHour(DateTimeOffset at) => (at.UtcDateTime.Hour + 8 + at.UtcDateTime.Minute / 60.0) % 24;
}
