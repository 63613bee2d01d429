using AirQuality.Storage.Registry;

namespace AirQuality.Simulation;

/// <summary>
/// How the simulated city's emitters behave where a real city may well differ: how big and long incidents are, when
/// dust sites work, whether a stack's SO2 follows its permits, and how far the registry's positions are off.
/// </summary>
/// <remarks>
/// <see cref="Standard"/> is the city every seed has always drawn (its random draws are unchanged). <see cref="Changed"/>
/// is another city, to score attribution on physics it was not trained on: a model that fits only the standard
/// constants shows it there.
/// </remarks>
public sealed record WorldPhysics
{
    public static readonly WorldPhysics Standard = new();

    /// <summary>
    /// Incidents from 3 to 25 times the usual emission lasting 1 to 12 hours; construction 06:00–22:00 and roads and
    /// yards around the clock; SO2 per particle drawn at random, not from permits; registry positions up to 1 km off.
    /// </summary>
    public static readonly WorldPhysics Changed = new()
    {
        Name = "changed",
        IncidentTimesUsual = (3, 25),
        IncidentHours = (1, 12),
        ConstructionHours = (6, 22),
        RoadsAndYardsAroundTheClock = true,
        So2FromPermits = false,
        PositionErrorUpToM = 1000,
    };

    /// <summary>
    /// Physics drawn from a seed, for training worlds, so that a model cannot lean on one set of constants: incidents
    /// from 2–8 up to 10–30 times the usual emission lasting from 1–3 up to 5–12 hours, construction starting at 5–8 and
    /// stopping at 17–23, roads and yards around the clock in three worlds of four, SO2 from the permits in one of four,
    /// registry positions off by up to a distance drawn from 80 m to 1.5 km. Half the seeds keep the standard physics.
    /// </summary>
    /// <remarks>
    /// The changes are drawn often, so that most drawn worlds have several at once (a model meets a city whose registry
    /// is poor and whose sites keep other hours together, not one change at a time), and the position error over a
    /// continuous range, so that no one size of error is the only one seen. The first draw, which keeps a seed standard,
    /// is the same as it always was: the standard worlds are unchanged.
    /// </remarks>
    public static WorldPhysics Drawn(int seed)
    {
        var random = new Random(unchecked(seed * 7 + 3));
        if (random.NextDouble() < 0.5)
        {
            return Standard;
        }

        var least = 2 + 6 * random.NextDouble();
        var shortest = 1 + random.Next(3);
        return new WorldPhysics
        {
            Name = $"drawn from seed {seed}",
            IncidentTimesUsual = (Math.Round(least, 1), Math.Round(least + 8 + 14 * random.NextDouble(), 1)),
            IncidentHours = (shortest, shortest + 4 + random.Next(6)),
            ConstructionHours = (5 + random.Next(4), 17 + random.Next(7)),
            RoadsAndYardsAroundTheClock = random.NextDouble() < DrawnChangeChance,
            So2FromPermits = random.NextDouble() >= DrawnChangeChance,
            PositionErrorUpToM = Math.Round(80 + 1420 * random.NextDouble()),
        };
    }

    /// <summary>How often a drawn world changes each of the yes-or-no rules (roads round the clock, SO2 not from permits).</summary>
    const double DrawnChangeChance = 0.75;

    public string Name { get; init; } = "standard";

    /// <summary>An incident's emission as a multiple of the source's usual one, drawn uniformly. Standard 6 to 14.</summary>
    public (double Min, double Max) IncidentTimesUsual { get; init; } = (6, 14);

    /// <summary>How long an incident lasts, whole hours drawn uniformly. Standard 2 to 8.</summary>
    public (int Min, int Max) IncidentHours { get; init; } = (2, 8);

    /// <summary>Local hours (start inclusive, end exclusive) in which dust sites work; outside them they emit a tenth. Standard 07–19.</summary>
    public (int Start, int End) ConstructionHours { get; init; } = (7, 19);

    /// <summary>Haul roads and storage yards emit at every hour instead of keeping construction's hours. Standard false.</summary>
    public bool RoadsAndYardsAroundTheClock { get; init; }

    /// <summary>A stack's SO2 per µg/m³ of PM2.5 is its SO2 permit over its particulate permit (true), or drawn from 1 to 10 (false).</summary>
    public bool So2FromPermits { get; init; } = true;

    /// <summary>How far a source's true position lies from its registry entry: null, about 80 m (half-normal); else uniformly up to this, m.</summary>
    public double? PositionErrorUpToM { get; init; }

    /// <summary>
    /// The hours source <paramref name="source"/> really works in this world: stacks around the clock, haul roads and
    /// yards around the clock when <see cref="RoadsAndYardsAroundTheClock"/>, other dust sites <see cref="ConstructionHours"/>.
    /// </summary>
    public OperatingHours TrueHours(PollutionSource source) =>
        source.StackHeightM is not null || (RoadsAndYardsAroundTheClock && source.Category is "road" or "storage_yard")
            ? OperatingHours.AroundTheClock
            : new OperatingHours(ConstructionHours.Start, ConstructionHours.End);

    public override string ToString() => Name;
}
