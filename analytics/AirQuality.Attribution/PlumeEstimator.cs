using AirQuality.Dispersion;
using AirQuality.Storage.Registry;

namespace AirQuality.Attribution;

/// <summary>
/// What the plume model predicts from what the city knows: registry positions, stack heights and emission estimates,
/// the measured hourly wind as each sensor feels it, and each monitored source's telemetry relative to its own usual level.
/// </summary>
/// <remarks>
/// Stability comes from wind speed and time of day with half cloud cover (cloud is not measured). Flue gas flow for
/// plume rise is estimated from stack height, as an engineer without the permit file would. Streets and valleys turn
/// the wind at a sensor the same way day after day, so the turn is learnt once, from the hours loaded. Results in µg/m³.
/// </remarks>
public sealed class PlumeEstimator
{
    const double AssumedCloudCover = 0.5;
    readonly CityHours _city;
    readonly TimeZoneInfo _zone;
    readonly double[] _localHour;
    readonly StabilityClass[] _stability;
    readonly (double Median, double Mad)[] _usualParticulate;
    readonly double[] _windOffsetDeg;
    readonly SourceActivity[] _activity;


    public PlumeEstimator(CityHours city, TimeZoneInfo zone)
    {
        _city = city;
        _zone = zone;
        _localHour = [.. Enumerable.Range(0, city.Hours).Select(h => city.LocalHourOfDay(h, zone))];
        _stability = [.. Enumerable.Range(0, city.Hours).Select(h => Stability.Classify(double.IsNaN(city.WindSpeedMs[h]) ? 1.5 : city.WindSpeedMs[h], _localHour[h], AssumedCloudCover))];
        _usualParticulate = [.. Enumerable.Range(0, city.Sources.Count).Select(UsualParticulate)];
        _activity = [.. Enumerable.Range(0, city.Sources.Count).Select(j => SourceActivity.Of(city.Sources[j], city.Particulate.AsSpan(j * city.Hours, city.Hours), _localHour))];
        _windOffsetDeg = new double[city.Sensors.Count];
        for (var s = 0; s < city.Sensors.Count; s++)
        {
            _windOffsetDeg[s] = LocalWindOffset(s);
        }
    }

    /// <summary>Candidate turns of the city's wind at a sensor, degrees; terrain and buildings turn it by some tens of degrees.</summary>
    static readonly double[] OffsetsTried = [-30, -24, -18, -12, -6, 0, 6, 12, 18, 24, 30];

    /// <summary>Sources further than this from a sensor are left out of learning its wind.</summary>
    const double LearnWithinM = 3_000;

    /// <summary>
    /// How far the wind at sensor <paramref name="s"/> turns from the city's, degrees: the turn under which the plumes
    /// of the sources around it, at their usual emissions, best follow its excess over the panel's hours (Pearson
    /// correlation). 0 when no source is near or no turn fits clearly better than none.
    /// </summary>
    double LocalWindOffset(int s)
    {
        var sensor = _city.Sensors[s];
        var near = Enumerable.Range(0, _city.Sources.Count)
            .Where(j => Geo.DistanceMetres(_city.Sources[j].Latitude, _city.Sources[j].Longitude, sensor.Latitude, sensor.Longitude) <= LearnWithinM).ToArray();
        if (near.Length == 0)
        {
            return 0;
        }

        var predicted = new double[OffsetsTried.Length][];
        for (var o = 0; o < OffsetsTried.Length; o++)
        {
            predicted[o] = new double[_city.Hours];
        }

        var at = new double[TurnAngles.Length];
        foreach (var j in near)
        {
            var (dx, dy) = Geo.OffsetMetres(_city.Sources[j].Latitude, _city.Sources[j].Longitude, sensor.Latitude, sensor.Longitude);
            for (var h = 0; h < _city.Hours; h++)
            {
                var usual = UsualEmission(j, h);
                for (var a = 0; a < TurnAngles.Length; a++)
                {
                    at[a] = Directional(j, dx, dy, h, TurnAngles[a]);
                }

                for (var o = 0; o < OffsetsTried.Length; o++)
                {
                    for (var k = 0; k < DirectionOffsets.Length; k++)
                    {
                        predicted[o][h] += usual * DirectionWeights[k] * at[TurnAngleIndex[o][k]];
                    }
                }
            }
        }

        var excess = new double[_city.Hours];
        for (var h = 0; h < _city.Hours; h++)
        {
            excess[h] = _city.Excess(s, h);
        }

        var fits = predicted.Select(p => CandidateFeatures.Correlation(p, excess)).ToArray();
        var best = Array.IndexOf(fits, fits.Max());
        return fits[best] >= fits[Array.IndexOf(OffsetsTried, 0)] + MinBetterFit ? OffsetsTried[best] : 0;
    }

    /// <summary>A turn is believed only when it explains the sensor's excess this much better (correlation) than none.</summary>
    const double MinBetterFit = 0.05;

    public TimeZoneInfo Zone => _zone;

    /// <summary>Local hour of day (0–24) of panel hour <paramref name="hour"/>.</summary>
    public double LocalHour(int hour) => _localHour[hour];

    /// <summary>Whether source <paramref name="j"/> is a ground-level dust site (construction, road, yard).</summary>
    public bool IsDustSite(int j) => _city.Sources[j].StackHeightM is null;

    /// <summary>Where source <paramref name="j"/>'s working hours come from: the registry, its telemetry, or nowhere (unknown).</summary>
    public HoursKnownFrom HoursFrom(int j) => _activity[j].From;

    /// <summary>
    /// How active source <paramref name="j"/> usually is in <paramref name="hour"/>, 0 to 1: inside its registered hours 1
    /// and outside them <see cref="SourceActivity.IdleShare"/>; else its telemetry's median at that hour of day over its median at the
    /// busiest hour (<see cref="SourceActivity"/>); else 1, every hour possible (<see cref="HoursFrom"/> says it is unknown).
    /// </summary>
    public double Activity(int j, int hour) => _activity[j].At(_localHour[hour]);

    /// <summary>Whether source <paramref name="j"/> is usually at work in <paramref name="hour"/>; null when its hours are not known.</summary>
    public bool? Working(int j, int hour) => _activity[j].From == HoursKnownFrom.Unknown ? null : Activity(j, hour) >= 0.5;

    /// <summary>The source's usual emission in that hour, g/s: the registry estimate and its working hours.</summary>
    public double UsualEmission(int j, int hour) => _city.Sources[j].EstimatedPm25EmissionGS * Activity(j, hour);

    /// <summary>
    /// The emission its telemetry implies, g/s: the registry estimate × (particulate now / its usual particulate while
    /// working), so that its idle hours are read off the telemetry once, not also off its hours; usual where it reports nothing.
    /// </summary>
    public double ReportedEmission(int j, int hour)
    {
        var v = _city.Particulate[j * _city.Hours + hour];
        var working = _activity[j].WorkingLevel;
        return double.IsNaN(v) || !(working > 0) ? UsualEmission(j, hour) : _city.Sources[j].EstimatedPm25EmissionGS * v / working;
    }

    /// <summary>Median and MAD of the source's particulate over the whole panel (NaN without telemetry).</summary>
    public (double Median, double Mad) Usual(int j) => _usualParticulate[j];

    /// <summary>µg/m³ at sensor <paramref name="s"/> in <paramref name="hour"/> per g/s emitted by source <paramref name="j"/>, carried by that hour's wind turned as the sensor feels it.</summary>
    public double Unit(int j, int s, int hour) => UnitFrom(j, s, hour, 0, 0);

    /// <summary>
    /// As <see cref="Unit"/>, with the source moved <paramref name="eastM"/> and <paramref name="northM"/> metres from its
    /// registry position: where it would be if the registry's position were that far off.
    /// </summary>
    public double UnitFrom(int j, int s, int hour, double eastM, double northM)
    {
        var source = _city.Sources[j];
        var sensor = _city.Sensors[s];
        var (dx, dy) = Geo.OffsetMetres(source.Latitude, source.Longitude, sensor.Latitude, sensor.Longitude);
        (dx, dy) = (dx - eastM, dy - northM);
        // Even the sensor's own wind is not known to the degree: average the plume over directions around it,
        // or a narrow ground-level plume misses a sensor by a few degrees.
        var sum = 0.0;
        for (var k = 0; k < DirectionOffsets.Length; k++)
        {
            sum += DirectionWeights[k] * Directional(j, dx, dy, hour, _windOffsetDeg[s] + DirectionOffsets[k]);
        }

        return sum;
    }

    /// <summary>The wind at each sensor against the city's, degrees clockwise, learnt from its history (<see cref="LocalWindOffset"/>).</summary>
    public double WindOffsetDeg(int s) => _windOffsetDeg[s];

    /// <summary>µg/m³ per g/s at (<paramref name="dx"/>, <paramref name="dy"/>) metres east and north of source <paramref name="j"/>, the hour's wind turned by <paramref name="turnDeg"/>.</summary>
    double Directional(int j, double dx, double dy, int hour, double turnDeg)
    {
        var wind = _city.WindSpeedMs[hour];
        var from = _city.WindFromDeg[hour];
        if (double.IsNaN(wind) || double.IsNaN(from))
        {
            return 0;
        }

        var height = _city.Sources[j].StackHeightM ?? 0;
        var flow = _city.Sources[j].StackHeightM is { } h ? h * 2_000 / 3600.0 : 0;
        var towards = (from + turnDeg + 180) * Math.PI / 180;
        var (ux, uy) = (Math.Sin(towards), Math.Cos(towards));
        var x = dx * ux + dy * uy;
        var y = -dx * uy + dy * ux;
        return GaussianPlume.GroundConcentration(1, x, y, height, flow, wind, _stability[hour], IsDustSite(j) ? 50 : 5);
    }

    static readonly double[] DirectionOffsets = [-24, -12, 0, 12, 24];
    static readonly double[] DirectionWeights = Normalised([Math.Exp(-2), Math.Exp(-0.5), 1, Math.Exp(-0.5), Math.Exp(-2)]);

    // Each turn tried averages the plume over the same directions around it: every distinct direction, computed once
    // per source and hour, and where each turn's directions are among them. Declared after the arrays they are made from.
    static readonly double[] TurnAngles = [.. OffsetsTried.SelectMany(o => DirectionOffsets.Select(d => o + d)).Distinct().Order()];
    static readonly int[][] TurnAngleIndex = [.. OffsetsTried.Select(o => DirectionOffsets.Select(d => Array.IndexOf(TurnAngles, o + d)).ToArray())];

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
