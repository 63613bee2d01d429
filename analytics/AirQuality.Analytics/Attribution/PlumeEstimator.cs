using AirQuality.Ingest.Simulation.Physics;
using AirQuality.Storage.Registry;

namespace AirQuality.Analytics.Attribution;

/// <summary>
/// What the plume model predicts from what the city knows: registry positions, stack heights and emission estimates,
/// the measured hourly wind, and each monitored source's telemetry relative to its own usual level.
/// </summary>
/// <remarks>
/// Stability comes from wind speed and time of day with half cloud cover (cloud is not measured). Flue gas flow for
/// plume rise is estimated from stack height, as an engineer without the permit file would. Results in µg/m³.
/// </remarks>
public sealed class PlumeEstimator
{
    const double AssumedCloudCover = 0.5;
    readonly CityHours _city;
    readonly TimeZoneInfo _zone;
    readonly double[] _localHour;
    readonly StabilityClass[] _stability;
    readonly (double Median, double Mad)[] _usualParticulate;

    public PlumeEstimator(CityHours city, TimeZoneInfo zone)
    {
        _city = city;
        _zone = zone;
        _localHour = [.. Enumerable.Range(0, city.Hours).Select(h => city.LocalHourOfDay(h, zone))];
        _stability = [.. Enumerable.Range(0, city.Hours).Select(h => Stability.Classify(double.IsNaN(city.WindSpeedMs[h]) ? 1.5 : city.WindSpeedMs[h], _localHour[h], AssumedCloudCover))];
        _usualParticulate = [.. Enumerable.Range(0, city.Sources.Count).Select(UsualParticulate)];
    }

    public TimeZoneInfo Zone => _zone;

    /// <summary>Local hour of day (0–24) of panel hour <paramref name="hour"/>.</summary>
    public double LocalHour(int hour) => _localHour[hour];

    /// <summary>Whether source <paramref name="j"/> is a ground-level dust site (construction, road, yard).</summary>
    public bool IsDustSite(int j) => _city.Sources[j].StackHeightM is null;

    /// <summary>A dust site works 07:00–19:00 local and nearly stops at night; a stack runs around the clock.</summary>
    public double Activity(int j, int hour) => !IsDustSite(j) || _localHour[hour] is >= 7 and < 19 ? 1 : 0.1;

    /// <summary>The source's usual emission in that hour, g/s: the registry estimate and its working hours.</summary>
    public double UsualEmission(int j, int hour) => _city.Sources[j].EstimatedPm25EmissionGS * Activity(j, hour);

    /// <summary>The emission its telemetry implies, g/s: usual × (particulate now / its usual particulate); usual where it reports nothing.</summary>
    public double ReportedEmission(int j, int hour) => UsualEmission(j, hour) * TelemetryRatio(j, hour);

    /// <summary>Particulate in that hour against the source's own median; 1 without telemetry.</summary>
    public double TelemetryRatio(int j, int hour)
    {
        var v = _city.Particulate[j * _city.Hours + hour];
        var (median, _) = _usualParticulate[j];
        return double.IsNaN(v) || !(median > 0) ? 1 : v / median;
    }

    /// <summary>Median and MAD of the source's particulate over the whole panel (NaN without telemetry).</summary>
    public (double Median, double Mad) Usual(int j) => _usualParticulate[j];

    /// <summary>µg/m³ at sensor <paramref name="s"/> in <paramref name="hour"/> per g/s emitted by source <paramref name="j"/>, carried by that hour's wind.</summary>
    public double Unit(int j, int s, int hour)
    {
        var wind = _city.WindSpeedMs[hour];
        var from = _city.WindFromDeg[hour];
        if (double.IsNaN(wind) || double.IsNaN(from))
        {
            return 0;
        }

        var source = _city.Sources[j];
        var sensor = _city.Sensors[s];
        var (dx, dy) = Geo.OffsetMetres(source.Latitude, source.Longitude, sensor.Latitude, sensor.Longitude);
        var height = source.StackHeightM ?? 0;
        var flow = source.StackHeightM is { } h ? h * 2_000 / 3600.0 : 0;
        // The wind at the source is not the city's mean wind: average the plume over directions around it
        // (a Gaussian of about 12°), or a narrow ground-level plume misses a sensor by a few degrees.
        var sum = 0.0;
        for (var k = 0; k < DirectionOffsets.Length; k++)
        {
            var towards = (from + DirectionOffsets[k] + 180) * Math.PI / 180;
            var (ux, uy) = (Math.Sin(towards), Math.Cos(towards));
            var x = dx * ux + dy * uy;
            var y = -dx * uy + dy * ux;
            sum += DirectionWeights[k] * GaussianPlume.GroundConcentration(1, x, y, height, flow, wind, _stability[hour], IsDustSite(j) ? 50 : 5);
        }

        return sum;
    }

    static readonly double[] DirectionOffsets = [-24, -12, 0, 12, 24];
    static readonly double[] DirectionWeights = Normalised([Math.Exp(-2), Math.Exp(-0.5), 1, Math.Exp(-0.5), Math.Exp(-2)]);

    static double[] Normalised(double[] weights) => [.. weights.Select(w => w / weights.Sum())];

    (double, double) UsualParticulate(int j)
    {
        var values = new List<double>();
        for (var h = 0; h < _city.Hours; h++)
        {
            var v = _city.Particulate[j * _city.Hours + h];
            if (!double.IsNaN(v))
            {
                values.Add(v);
            }
        }

        if (values.Count == 0)
        {
            return (double.NaN, double.NaN);
        }

        values.Sort();
        var median = values[values.Count / 2];
        var deviations = values.Select(v => Math.Abs(v - median)).Order().ToList();
        return (median, deviations[deviations.Count / 2]);
    }
}
