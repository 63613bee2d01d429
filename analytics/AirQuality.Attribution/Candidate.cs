namespace AirQuality.Attribution;

/// <summary>A registered source considered for an episode: its feature values (in <see cref="CandidateFeatures.Names"/> order) and the facts behind them.</summary>
public sealed record Candidate(int Source, double[] Features, CandidateFacts Facts);

/// <summary>
/// The facts an explanation is written from. Distances in km; bearing of the source from the peak sensor in degrees
/// clockwise from north; wind in m/s; <c>PlumeUgm3</c> the plume estimate on reported emissions summed over the
/// episode's sensor-hours; particulate in mg/m³ and as multiples of the permitted limit and of the source's usual level;
/// <c>CoarseExcessRatio</c> the episode's added PM10 over its added PM2.5; <c>So2PerPm25</c> (µg/m³) and <c>CoPerPm25</c>
/// (mg/m³) the gases it added per µg/m³ of added PM2.5; <c>WorkingHoursShare</c> the share of the episode in the
/// source's working hours, NaN where <c>HoursFrom</c> is unknown; <c>BestFit</c> the plume's fit from the best of the
/// registered and displaced positions (<see cref="DisplacedPlumeFit"/>), null where its plume reached no sensor.
/// </summary>
public sealed record CandidateFacts(
    double DistanceKm, double BearingFromSensorDeg, double WindSpeedMs, double WindAlignment,
    double? PeakParticulateMgm3, double? PermittedParticulateMgm3, double? PeakOverUsual, int? HighSinceHour,
    int DownwindSensors, int DownwindRose, int UpwindSensors, int UpwindRose, double PlumeUgm3, double PlumeShare, double FootprintCorrelation,
    double RequiredFactor, bool DustSite, bool HasTelemetry, double WorkingHoursShare, double CoarseExcessRatio,
    double So2PerPm25, double CoPerPm25, double So2FootprintCorrelation, HoursKnownFrom HoursFrom = HoursKnownFrom.Unknown,
    DisplacedPlumeFit? BestFit = null);
