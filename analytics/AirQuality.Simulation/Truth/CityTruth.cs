using AirQuality.Dispersion;
using AirQuality.Storage.Registry;

namespace AirQuality.Simulation.Truth;

/// <summary>
/// What the simulated city is really like, as opposed to what its registry says: each source's true position and
/// usual emission (somewhat off the registry's), its working hours, and the incidents of a period, registered or not.
/// </summary>
/// <remarks>Drawn once from the seed, before any reading, so the same seed and period give the same world.</remarks>
public sealed class CityTruth
{
    /// <summary>Share of a monitored stack's incidents during which its own telemetry keeps showing the usual level.</summary>
    const double UnderReportingShare = 0.4;

    readonly List<Incident>[] _bySource;

    public CityTruth(CityRegistry registry, Random random, DateTimeOffset start, TimeSpan duration, WorldPhysics? physics = null)
    {
        physics ??= WorldPhysics.Standard;
        _physics = physics;
        Sources = registry.Sources;
        var n = Sources.Count;
        Latitude = new double[n];
        Longitude = new double[n];
        BaselineGs = new double[n];
        FlueFlowM3s = new double[n];
        DustSite = new bool[n];
        CoarseRatio = new double[n];
        _bySource = [.. Enumerable.Range(0, n).Select(_ => new List<Incident>())];
        var incidents = new List<Incident>();
        var days = Math.Max(1, duration.TotalDays);
        for (var i = 0; i < n; i++)
        {
            var s = Sources[i];
            // The registry is a little wrong: positions within a hundred metres or so, emissions within a factor of about 1.5.
            var offsetM = physics.PositionErrorUpToM is { } upTo ? upTo * random.NextDouble() : Math.Abs(80 * WeatherGenerator.Normal(random));
            (Latitude[i], Longitude[i]) = Geo.Move(s.Latitude, s.Longitude, offsetM, 2 * Math.PI * random.NextDouble());
            BaselineGs[i] = s.EstimatedPm25EmissionGS * Math.Exp(0.35 * WeatherGenerator.Normal(random));
            FlueFlowM3s[i] = s.StackHeightM is { } h ? h * 2_000 / 3600.0 : 0;
            DustSite[i] = s.StackHeightM is null;
            var perDay = DustSite[i] ? 0.06 : 0.04;
            var count = Poisson(random, perDay * days);
            for (var k = 0; k < count; k++)
            {
                var begin = start + TimeSpan.FromHours(Math.Floor(random.NextDouble() * duration.TotalHours));
                var hours = physics.IncidentHours.Min + random.Next(physics.IncidentHours.Max - physics.IncidentHours.Min + 1);
                var (least, most) = physics.IncidentTimesUsual;
                var incident = new Incident(s.SourceId, Incident.RegisteredSource, Latitude[i], Longitude[i], begin, begin.AddHours(hours),
                    BaselineGs[i] * (least + (most - least) * random.NextDouble()), s.HasTelemetry && random.NextDouble() < UnderReportingShare);
                _bySource[i].Add(incident);
                incidents.Add(incident);
            }
        }

        // Emitters the registry does not know: open burning in the evening, catering at meal times, near the sensors.
        var sensors = registry.Sensors;
        var unregistered = new List<Incident>();
        for (var day = 0; day < Math.Ceiling(days); day++)
        {
            for (var k = Poisson(random, 2); k > 0; k--)
            {
                var near = sensors[random.Next(sensors.Count)];
                var (lat, lon) = Geo.Move(near.Latitude, near.Longitude, 300 + 1500 * random.NextDouble(), 2 * Math.PI * random.NextDouble());
                var burning = random.NextDouble() < 0.5;
                var localHour = burning ? 18 + random.Next(4) : (random.NextDouble() < 0.5 ? 11 : 17);
                var begin = start.AddDays(day) + TimeSpan.FromHours(localHour);
                var incident = new Incident(null, burning ? Incident.OpenBurning : Incident.Catering, lat, lon, begin, begin.AddHours(1 + random.Next(3)),
                    burning ? 3 + 7 * random.NextDouble() : 1 + 3 * random.NextDouble(), false);
                if (incident.Start < start + duration)
                {
                    unregistered.Add(incident);
                    incidents.Add(incident);
                }
            }
        }

        Unregistered = unregistered;
        // Drawn after the sources and incidents, so a seed keeps the incidents it had (the weather and readings drawn after it moved).
        for (var i = 0; i < n; i++)
        {
            CoarseRatio[i] = DustSite[i] ? 3 + 2.5 * random.NextDouble() : 1.2 + 0.4 * random.NextDouble();
        }

        Incidents = [.. incidents.OrderBy(x => x.Start).ThenBy(x => x.SourceId, StringComparer.Ordinal)];
        // From the permits, not the random stream, so the gases leave every other draw of a seed where it was.
        So2PerPm25 = [.. Sources.Select(s => s.PermittedSo2Mgm3 is { } so2 && s.PermittedParticulateMgm3 is { } pm ? Math.Clamp(so2 / pm, 1, 10) : 0)];
        if (!physics.So2FromPermits)
        {
            // Drawn last, so the rest of the world stays as the seed drew it.
            So2PerPm25 = [.. So2PerPm25.Select(r => r > 0 ? 1 + 9 * random.NextDouble() : 0)];
        }
        CoPerPm25 = [.. DustSite.Select(dust => dust ? 0 : StackCoPerPm25)];
    }

    /// <summary>CO (mg/m³) per µg/m³ of PM2.5 in flue gas: well-burnt fuel gives little CO.</summary>
    const double StackCoPerPm25 = 0.002;

    /// <summary>
    /// SO2 (µg/m³) that comes with each µg/m³ of PM2.5 a source adds downwind: a stack's flue gas carries sulphur from
    /// its fuel and ore in about the ratio of its SO2 permit to its particulate permit (1 to 10 here); dust carries none.
    /// </summary>
    public double[] So2PerPm25 { get; private set; }

    /// <summary>CO (mg/m³) per µg/m³ of PM2.5 each source adds: a little from stacks, none from dust.</summary>
    public double[] CoPerPm25 { get; }

    /// <summary>
    /// CO (mg/m³) per µg/m³ of PM2.5 from emitters the registry does not know: smouldering open fires give off far more
    /// CO for their smoke than anything that burns hot (about 0.012, six times a stack's); cooking fumes about a stack's.
    /// </summary>
    public static double UnregisteredCoPerPm25(Incident emitter) => emitter.Kind == Incident.OpenBurning ? 0.012 : StackCoPerPm25;

    public IReadOnlyList<PollutionSource> Sources { get; }

    /// <summary>Each registry source's true position (WGS84 degrees).</summary>
    public double[] Latitude { get; }

    public double[] Longitude { get; }

    /// <summary>Each source's true usual PM2.5 emission, g/s.</summary>
    public double[] BaselineGs { get; }

    /// <summary>Flue gas flow of stacks, m³/s (0 for ground-level sites).</summary>
    public double[] FlueFlowM3s { get; }

    /// <summary>Ground-level dust sites (construction, roads, yards): working in <see cref="WorldPhysics.ConstructionHours"/> (07:00 to 19:00 local as standard), nearly idle outside them.</summary>
    public bool[] DustSite { get; }

    /// <summary>
    /// PM10 over PM2.5 of what each source emits. Fugitive dust (earthworks, roads, yards) is mostly coarse, so a dust
    /// site's PM10 is three to five and a half times its PM2.5; filtered stack gas is mostly fine.
    /// </summary>
    public double[] CoarseRatio { get; }

    /// <summary>PM10 over PM2.5 of smoke from open burning and cooking fumes: nearly all fine particles.</summary>
    public static double UnregisteredCoarseRatio(Incident emitter) => emitter.Kind == Incident.OpenBurning ? 1.15 : 1.1;

    /// <summary>Every incident of the period, registered and not, in time order: the ground truth.</summary>
    public IReadOnlyList<Incident> Incidents { get; }

    public IReadOnlyList<Incident> Unregistered { get; }

    /// <summary>Source <paramref name="i"/>'s true PM2.5 emission at <paramref name="at"/> (g/s), and the incident behind it, if any.</summary>
    public (double EmissionGs, Incident? Incident) Emission(int i, DateTimeOffset at, double localHour)
    {
        // A dust site nearly stops outside its working hours, incident or not: the incident is the day's work gone wrong.
        var activity = !DustSite[i] || Working(i, localHour) ? 1 : 0.1;
        foreach (var incident in _bySource[i])
        {
            if (at >= incident.Start && at < incident.End)
            {
                return (incident.EmissionGs * activity, incident);
            }
        }

        return (BaselineGs[i] * activity, null);
    }

    /// <summary>
    /// The incident of source <paramref name="i"/> under way at <paramref name="at"/>, if any, and the share of its
    /// emission then that is above the source's usual level (the abnormal part an inspector can find).
    /// </summary>
    public (Incident Incident, double AbnormalShare)? IncidentAt(int i, DateTimeOffset at)
    {
        foreach (var incident in _bySource[i])
        {
            if (at >= incident.Start && at < incident.End)
            {
                return (incident, Math.Max(0, 1 - BaselineGs[i] / incident.EmissionGs));
            }
        }

        return null;
    }

    readonly WorldPhysics _physics;

    bool Working(int i, double localHour) => _physics.TrueHours(Sources[i]).Contains(localHour);

    static int Poisson(Random random, double mean)
    {
        // Knuth's method; the means here are small.
        var (limit, k, p) = (Math.Exp(-mean), 0, 1.0);
        do
        {
            k++;
            p *= random.NextDouble();
        }
        while (p > limit);
        return k - 1;
    }
}
