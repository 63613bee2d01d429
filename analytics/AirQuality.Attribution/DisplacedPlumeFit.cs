namespace AirQuality.Attribution;

/// <summary>
/// The plume fit of a source over the positions its registry entry may really mean: the registered one and rings
/// around it, each scored by how well the plume from there follows the neighbourhood's measured excess.
/// </summary>
/// <remarks>
/// Registry positions are off by some tens of metres in a good registry and by up to a kilometre in a poor one; from
/// the wrong position a plume reaches other sensors, so a plume fit at the registered position alone no longer tells
/// an incident from a neighbour's everyday emission. Offsets in metres east and north of the registered position;
/// <see cref="Correlation"/> is Pearson's r between the plume footprint (per unit emission, times the source's usual
/// activity) and the excess over the neighbourhood's sensor-hours; <see cref="Predicted"/> (µg/m³) is the plume of
/// its reported emission from the best position summed over the episode's sensor-hours.
/// </remarks>
public sealed record DisplacedPlumeFit(double EastM, double NorthM, double Correlation, double RegistryCorrelation, double Predicted)
{
    /// <summary>Ring radii tried around the registered position, metres, and how many positions on each.</summary>
    /// <remarks>
    /// Two rings: about half of a poor registry's error and about its whole (the independent city's registry is
    /// "somewhat off", the changed-physics worlds up to 1 km). 15 positions with the registered one: each costs a plume
    /// over the neighbourhood's sensor-hours, so a finer grid would multiply the features' time.
    /// </remarks>
    public static readonly IReadOnlyList<(double RadiusM, int Positions)> Rings = [(400, 6), (1_000, 8)];

    /// <summary>A displaced position is believed only when it fits this much better (correlation) than the registered one.</summary>
    public const double MinBetterFit = 0.05;

    /// <summary>How far the best position lies from the registered one, metres (0 when the registered one fits best).</summary>
    public double OffsetM => Math.Sqrt(EastM * EastM + NorthM * NorthM);

    /// <summary>Bearing of the best position from the registered one, degrees clockwise from north.</summary>
    public double BearingDeg => (Math.Atan2(EastM, NorthM) * 180 / Math.PI + 360) % 360;

    /// <summary>Every position tried: the registered one first, then each ring.</summary>
    public static IReadOnlyList<(double EastM, double NorthM)> Positions { get; } = [(0, 0), .. Rings.SelectMany(r =>
        Enumerable.Range(0, r.Positions).Select(k => (r.RadiusM * Math.Sin(2 * Math.PI * k / r.Positions), r.RadiusM * Math.Cos(2 * Math.PI * k / r.Positions))))];

    /// <summary>
    /// The best-fitting position of source <paramref name="j"/>: null where its plume reaches none of the
    /// neighbourhood's sensor-hours from any position (no wind, or all far off), so there is nothing to fit.
    /// <paramref name="registeredFootprint"/> and <paramref name="registeredPredicted"/> are the footprint over the
    /// neighbourhood and the predicted sum over the episode's cells from the registered position, which the caller has
    /// already computed for its own features: only the displaced positions are computed here.
    /// </summary>
    public static DisplacedPlumeFit? Find(PlumeEstimator plume, int j, (int s, int h)[] neighbourhood, double[] excess, (int s, int h)[] episodeCells,
        double[] registeredFootprint, double registeredPredicted)
    {
        var registryR = CandidateFeatures.Correlation(registeredFootprint, excess);
        var (bestIndex, bestR, reached) = (0, registryR, registeredFootprint.Any(v => v > 0));
        var activity = neighbourhood.Select(c => plume.Activity(j, c.h)).ToArray();
        var footprint = new double[neighbourhood.Length];
        for (var p = 1; p < Positions.Count; p++)
        {
            var (east, north) = Positions[p];
            var any = false;
            for (var i = 0; i < neighbourhood.Length; i++)
            {
                footprint[i] = plume.UnitFrom(j, neighbourhood[i].s, neighbourhood[i].h, east, north) * activity[i];
                any |= footprint[i] > 0;
            }

            reached |= any;
            var r = CandidateFeatures.Correlation(footprint, excess);
            if (r > bestR && r >= registryR + MinBetterFit)
            {
                (bestIndex, bestR) = (p, r);
            }
        }

        if (!reached)
        {
            return null;
        }

        var (e, n) = Positions[bestIndex];
        var predicted = bestIndex == 0 ? registeredPredicted : episodeCells.Sum(c => plume.UnitFrom(j, c.s, c.h, e, n) * plume.ReportedEmission(j, c.h));
        return new DisplacedPlumeFit(e, n, bestR, registryR, predicted);
    }
}
