using AirQuality.Contracts;
using AirQuality.Storage.Registry;

namespace AirQuality.Ingest.Simulation;

/// <summary>
/// A plausible city's air for the walking skeleton: a regional PM2.5 background that wanders from day to day,
/// a daily cycle (morning and evening traffic peaks, afternoon mixing), a slowly turning wind, and each
/// registered source's plume carried to the sensors downwind of it.
/// </summary>
/// <remarks>
/// The plume is a ground-level Gaussian plume with neutral-stability dispersion (σy = 0.08x + 25, σz = 0.06x + 10,
/// x the downwind distance in metres) and the source's stack height as effective height. Deterministic for a
/// seed: one <see cref="Random"/>, advanced in a fixed order.
/// </remarks>
public sealed class AirQualityWorld
{
    const double MaxPlumeDistanceM = 15_000;

    readonly Random _random;
    readonly Sensor[] _sensors;
    readonly (int Source, double Dx, double Dy, double Height, double Rate)[][] _nearby;
    readonly double[] _districtFactor;
    readonly int[] _sensorDistrict;
    double _background;
    double _windFromDeg;
    double _windSpeed;
    long _hour = long.MinValue;

    public AirQualityWorld(CityRegistry registry, int seed)
    {
        _random = new Random(seed);
        _sensors = [.. registry.Sensors];
        MonitoredSources = [.. registry.Sources.Where(p => p.HasTelemetry)];
        var districts = registry.Districts.Select(d => d.DistrictId).ToList();
        _districtFactor = districts.Select(_ => 0.85 + 0.35 * _random.NextDouble()).ToArray();
        _sensorDistrict = _sensors.Select(s => districts.IndexOf(s.DistrictId)).ToArray();
        _nearby = _sensors.Select(s => registry.Sources
            .Select((p, i) => (Source: i, Offset: Geo.OffsetMetres(p.Latitude, p.Longitude, s.Latitude, s.Longitude), Height: p.StackHeightM ?? 2, Rate: p.EstimatedPm25EmissionGS))
            .Select(x => (x.Source, Dx: x.Offset.East, Dy: x.Offset.North, x.Height, x.Rate))
            .Where(x => Math.Sqrt(x.Dx * x.Dx + x.Dy * x.Dy) < MaxPlumeDistanceM)
            .ToArray()).ToArray();
        _background = 30 + 10 * _random.NextDouble();
        _windFromDeg = 20 + 40 * _random.NextDouble(); // the prevailing wind along the Yangtze valley is north-easterly
        _windSpeed = 1.5;
    }

    public IReadOnlyList<Sensor> Sensors => _sensors;

    /// <summary>The sources that send continuous emission monitoring data.</summary>
    public IReadOnlyList<PollutionSource> MonitoredSources { get; }

    /// <summary>A monitored source's emission record at <paramref name="at"/>: near a steady share of its permit, running.</summary>
    public SourceTelemetry Telemetry(int index, DateTimeOffset at)
    {
        var source = MonitoredSources[index];
        double? Level(double? permitted) => permitted is { } p ? Math.Round(p * (0.45 + 0.1 * Normal()), 2) : null;
        return new SourceTelemetry(source.SourceId, at,
            Particulate: source.PermittedParticulateMgm3 is null ? Math.Round(0.5 + 0.2 * _random.NextDouble(), 2) : Level(source.PermittedParticulateMgm3),
            So2: Level(source.PermittedSo2Mgm3), Nox: Level(source.PermittedNoxMgm3),
            FlueGasFlow: source.StackHeightM is { } h ? Math.Round(h * 2_000 * (0.9 + 0.2 * _random.NextDouble()), 0) : null,
            OperatingStatus: Contracts.OperatingStatuses.Running);
    }

    /// <summary>The reading sensor <paramref name="index"/> reports at <paramref name="at"/> (UTC).</summary>
    public SensorReading Reading(int index, DateTimeOffset at)
    {
        AdvanceWeather(at);
        var sensor = _sensors[index];
        var localHour = (at.UtcDateTime.Hour + 8 + at.UtcDateTime.Minute / 60.0) % 24; // China Standard Time, UTC+8
        var cycle = 1 + 0.22 * Math.Exp(-Math.Pow(localHour - 8.5, 2) / 4) + 0.3 * Math.Exp(-Math.Pow(localHour - 21, 2) / 6)
            - 0.25 * Math.Exp(-Math.Pow(localHour - 15, 2) / 8);
        var plume = _nearby[index].Sum(s => Plume(s.Dx, s.Dy, s.Height, s.Rate));
        var micro = sensor.Kind == RegistryCodes.MicroSensor;
        var noise = Math.Exp(Normal() * (micro ? 0.12 : 0.04));
        var pm25 = Math.Clamp((_background * _districtFactor[_sensorDistrict[index]] * cycle + plume) * noise, 1, 1500);
        var humidity = Math.Clamp(70 + 15 * Math.Cos((localHour - 5) * Math.PI / 12) + 5 * Normal(), 20, 100);
        return new SensorReading(
            sensor.SensorId, at, Math.Round(pm25, 1),
            Pm10: Math.Round(pm25 * (1.45 + 0.2 * _random.NextDouble()), 1),
            No2: micro ? null : Math.Round(25 + 20 * cycle * _random.NextDouble(), 1),
            So2: micro ? null : Math.Round(6 + 6 * _random.NextDouble(), 1),
            // Ozone builds in afternoon sunshine and is titrated by the traffic peaks.
            O3: micro ? null : Math.Round(Math.Max(5, 40 + 110 * Math.Exp(-Math.Pow(localHour - 15, 2) / 10) * (0.8 + 0.4 * _random.NextDouble())), 1),
            Co: micro ? null : Math.Round(0.5 + 0.4 * cycle * _random.NextDouble(), 2),
            Temperature: Math.Round(14 + 6 * Math.Sin((localHour - 9) * Math.PI / 12) + Normal(), 1),
            Humidity: Math.Round(humidity, 1),
            WindSpeed: micro ? null : Math.Round(_windSpeed, 1),
            WindDirection: micro ? null : Math.Round(_windFromDeg, 0),
            Pressure: micro ? null : Math.Round(985 + 3 * Normal(), 1));
    }

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
            _background = Math.Clamp(_background + 0.9 * Normal() + 0.02 * (35 - _background), 8, 150);
            _windFromDeg = (_windFromDeg + 12 * Normal() + 360) % 360;
            _windSpeed = Math.Clamp(_windSpeed + 0.3 * Normal() + 0.05 * (1.6 - _windSpeed), 0.3, 8);
        }

        _hour = hour;
    }

    double Plume(double dx, double dy, double height, double rateGs)
    {
        // Rotate into wind coordinates: x along the direction the wind blows towards.
        var towards = (_windFromDeg + 180) * Math.PI / 180;
        var (ux, uy) = (Math.Sin(towards), Math.Cos(towards));
        var x = dx * ux + dy * uy;
        if (x < 50)
        {
            return 0;
        }

        var y = -dx * uy + dy * ux;
        // Initial spreads stand for the size of a site or a stack's downwash, so ground-level sources are not points.
        var (sy, sz) = (0.08 * x + 25, 0.06 * x + 10);
        var gramsPerM3 = rateGs / (Math.PI * _windSpeed * sy * sz) * Math.Exp(-y * y / (2 * sy * sy)) * Math.Exp(-height * height / (2 * sz * sz));
        return gramsPerM3 * 1e6;
    }

    double Normal()
    {
        // Box-Muller; two uniforms per call keeps the sequence simple to reason about.
        var u1 = 1 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
