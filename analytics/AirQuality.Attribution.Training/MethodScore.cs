namespace AirQuality.Attribution.Training;

/// <summary>
/// How one method ranked on the episodes a registered source's incident raised: precision of its top flag (over the
/// episodes it flagged), recall within its top three (over all), ROC AUC over every candidate with a 95% bootstrap
/// interval; and how often it flagged a registered source for an episode an unregistered emitter raised, one of a
/// source's everyday emission, and one no emitter explains.
/// </summary>
public sealed record MethodScore(string Method, Rate PrecisionAt1, Rate RecallAt3, double Auc, double AucLow, double AucHigh, Rate WrongOnUnregistered, Rate FlaggedEveryday, Rate FlaggedBackground);
