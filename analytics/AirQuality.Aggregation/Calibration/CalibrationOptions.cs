namespace AirQuality.Aggregation.Calibration;

/// <summary>How micro sensors are calibrated against the national stations, and which PM2.5 the daily figures take. Section <c>Calibration</c>.</summary>
public sealed class CalibrationOptions
{
    /// <summary>
    /// A micro sensor's hours are paired with the national stations within this distance, km (their hourly means
    /// averaged); the network-wide model is fitted on every such pair of the city. Default 0.5 (38 of the shipped
    /// registry's 513 micro sensors have a station that near, 298 within 2 km); farther, the station's air differs from
    /// the sensor's by local plumes (docs/calibration.md).
    /// </summary>
    public double MaxDistanceKm { get; set; } = 0.5;

    /// <summary>
    /// A micro sensor gets a model of its own only against the stations within this distance, km; the others take the
    /// network-wide model. Default 0.05: co-located, as the EPA's corrections are fitted. Measured on the simulated city,
    /// the 38 micro sensors with a station within 0.5 km came out worse with a model of their own (hourly RMSE against
    /// the truth +27% on days after the window) and better with the network-wide one (-38%): a station hundreds of
    /// metres off breathes other air, and a sensor's own fit learns that difference (docs/calibration.md).
    /// </summary>
    public double OwnModelMaxDistanceKm { get; set; } = 0.05;

    /// <summary>Each fit uses the hours of this window before its end (the rolling window). Default 28 days.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromDays(28);

    /// <summary><c>airq aggregate --every</c> fits again once the latest fit is this old. Default 1 day.</summary>
    public TimeSpan RefitEvery { get; set; } = TimeSpan.FromDays(1);

    /// <summary>A sensor with fewer paired hours (and at least two days of them) than this gets the network-wide model instead of its own. Default 24.</summary>
    public int MinHours { get; set; } = 24;

    /// <summary>Cross-validation folds, each a set of whole UTC days (day number mod folds); fewer when the window holds fewer days. Default 7.</summary>
    public int Folds { get; set; } = 7;

    /// <summary>Which PM2.5 hourly mean the daily figures take for micro sensors: <see cref="Pm25Flow.Corrected"/> (default; the raw mean for an hour not corrected) or <see cref="Pm25Flow.Raw"/>.</summary>
    public Pm25Flow Pm25 { get; set; } = Pm25Flow.Corrected;

    /// <summary>
    /// Whether the daily PM2.5 means leave out the hours whose quality flags say the value is not the air's: out of range,
    /// flat line, and humidity above 95% (micro sensors; why: docs/calibration.md, "Flagged hours in the daily figures").
    /// Default true. Either way every figure counts the flagged hours. Changing it re-marks nothing: run
    /// <c>airq aggregate --from … --to …</c> for the days that should follow.
    /// </summary>
    public bool ExcludeFlaggedHours { get; set; } = true;

    /// <summary>The flags that leave an hour out of the daily means under <see cref="ExcludeFlaggedHours"/>.</summary>
    public QualityBits ExcludedFlags => ExcludeFlaggedHours ? QualityBits.OutOfRange | QualityBits.FlatLine | QualityBits.HumidityHigh : QualityBits.None;

    /// <summary>Throws when a setting is out of range, with a sentence saying what is allowed.</summary>
    public CalibrationOptions Validate()
    {
        if (double.IsNaN(MaxDistanceKm) || MaxDistanceKm is <= 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDistanceKm), MaxDistanceKm, "Calibration:MaxDistanceKm must be above 0 and at most 100 km.");
        }

        if (double.IsNaN(OwnModelMaxDistanceKm) || OwnModelMaxDistanceKm <= 0 || OwnModelMaxDistanceKm > MaxDistanceKm)
        {
            throw new ArgumentOutOfRangeException(nameof(OwnModelMaxDistanceKm), OwnModelMaxDistanceKm, $"Calibration:OwnModelMaxDistanceKm must be above 0 and at most Calibration:MaxDistanceKm ({MaxDistanceKm} km).");
        }

        if (Window < TimeSpan.FromDays(2) || Window > TimeSpan.FromDays(366))
        {
            throw new ArgumentOutOfRangeException(nameof(Window), Window, "Calibration:Window must be between 2 days and 366 days (for example 28.00:00:00).");
        }

        if (RefitEvery < TimeSpan.FromMinutes(1) || RefitEvery > TimeSpan.FromDays(366))
        {
            throw new ArgumentOutOfRangeException(nameof(RefitEvery), RefitEvery, "Calibration:RefitEvery must be between 1 minute and 366 days.");
        }

        if (MinHours is < 8 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MinHours), MinHours, "Calibration:MinHours must be between 8 and 10000.");
        }

        if (Folds is < 2 or > 31)
        {
            throw new ArgumentOutOfRangeException(nameof(Folds), Folds, "Calibration:Folds must be between 2 and 31.");
        }

        if (!Enum.IsDefined(Pm25))
        {
            throw new ArgumentOutOfRangeException(nameof(Pm25), Pm25, "Calibration:Pm25 must be Corrected or Raw.");
        }

        return this;
    }
}
