namespace AirQuality.Anomalies;

/// <summary>
/// What a sensor's running mean at its highest quarter of an hour was judged against, a development aid for finding
/// why an incident was missed (see <see cref="AnomalyDetector.Explain"/>): the running mean, the concurrent reference,
/// the expected level, one noise width, the level the noise threshold (<see cref="AnomalyOptions.RiseSigmas"/>) puts a
/// rise at, and the routine high with that wind, all µg/m³ (NaN where not reached); <see cref="Basis"/> names the
/// history the usual level came from, and <see cref="Verdict"/> the first test the running mean failed ("rose" if none).
/// </summary>
public readonly record struct RiseCheck(double RunningMeanUgm3, double ReferenceUgm3, double ExpectedUgm3, double NoiseUgm3, double NoiseThresholdUgm3, double RoutineHighUgm3, string Basis, string Verdict);
