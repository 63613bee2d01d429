namespace AirQuality.Attribution.Training;

/// <summary>
/// A pair of thresholds (abstain below, inspect from) scored out of fold on the training worlds: inspection yield and
/// end-to-end recall over all of them, and the yield on the standard-physics worlds and on the others apart.
/// </summary>
public readonly record struct ThresholdPoint(double Abstain, double Inspect, double Yield, double Recall, double Standard, double Other, double OtherRecall);
