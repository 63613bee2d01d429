namespace AirQuality.Analytics.Anomalies;

/// <summary>Thresholds of anomaly detection. Section <c>Anomalies</c>.</summary>
public sealed class AnomalyOptions
{
    /// <summary>An hourly PM2.5 mean above this is an hourly exceedance, µg/m³. Default 115 (HJ 633's line between lightly and moderately polluted for 24-hour PM2.5).</summary>
    public double HourlyLimitUgm3 { get; set; } = 115;

    /// <summary>Days of the sensor's own valid hours that form its baseline (median and MAD) for spikes. Default 7.</summary>
    public int BaselineDays { get; set; } = 7;

    /// <summary>A spike stands this many scaled MADs above the baseline median. Default 5.</summary>
    public double SpikeMads { get; set; } = 5;

    /// <summary>...and at least this far above it, µg/m³, so a very steady sensor is not flagged for small changes. Default 25.</summary>
    public double SpikeMinExcessUgm3 { get; set; } = 25;

    /// <summary>Sensors within this distance are neighbours: for "far above its neighbours", and for grouping episodes. Default 2 km.</summary>
    public double NeighbourRadiusKm { get; set; } = 2;

    /// <summary>A sensor is far above its neighbours when its hour is this many times their median... Default 2.</summary>
    public double NeighbourFactor { get; set; } = 2;

    /// <summary>...and at least this much above it, µg/m³. Default 35.</summary>
    public double NeighbourMinExcessUgm3 { get; set; } = 35;

    /// <summary>Consecutive hours without a reading that make a missing-data fault. Default 3.</summary>
    public int MissingHours { get; set; } = 3;

    /// <summary>Consecutive hours of identical readings (at least 3 an hour) that make a flat-line fault. Default 3.</summary>
    public int FlatHours { get; set; } = 3;

    /// <summary>Sensors within this distance are co-located: they should read alike, so one drifting away from them is a fault. Default 1 km.</summary>
    public double DriftRadiusKm { get; set; } = 1;

    /// <summary>A sensor drifts when its ratio to its co-located neighbours has moved by this share since the start of the baseline. Default 0.3.</summary>
    public double DriftShare { get; set; } = 0.3;

    /// <summary>Throws when a setting is out of range, with a sentence saying what is allowed.</summary>
    public AnomalyOptions Validate()
    {
        Check(HourlyLimitUgm3 is > 0 and <= 2000, nameof(HourlyLimitUgm3), HourlyLimitUgm3, "Anomalies:HourlyLimitUgm3 must be above 0 and at most 2,000 µg/m³.");
        Check(BaselineDays is >= 1 and <= 90, nameof(BaselineDays), BaselineDays, "Anomalies:BaselineDays must be between 1 and 90.");
        Check(SpikeMads is > 0 and <= 100, nameof(SpikeMads), SpikeMads, "Anomalies:SpikeMads must be above 0 and at most 100.");
        Check(SpikeMinExcessUgm3 is >= 0 and <= 2000, nameof(SpikeMinExcessUgm3), SpikeMinExcessUgm3, "Anomalies:SpikeMinExcessUgm3 must be between 0 and 2,000 µg/m³.");
        Check(NeighbourRadiusKm is > 0 and <= 50, nameof(NeighbourRadiusKm), NeighbourRadiusKm, "Anomalies:NeighbourRadiusKm must be above 0 and at most 50 km.");
        Check(NeighbourFactor is >= 1 and <= 100, nameof(NeighbourFactor), NeighbourFactor, "Anomalies:NeighbourFactor must be between 1 and 100.");
        Check(NeighbourMinExcessUgm3 is >= 0 and <= 2000, nameof(NeighbourMinExcessUgm3), NeighbourMinExcessUgm3, "Anomalies:NeighbourMinExcessUgm3 must be between 0 and 2,000 µg/m³.");
        Check(MissingHours is >= 1 and <= 24, nameof(MissingHours), MissingHours, "Anomalies:MissingHours must be between 1 and 24.");
        Check(FlatHours is >= 1 and <= 24, nameof(FlatHours), FlatHours, "Anomalies:FlatHours must be between 1 and 24.");
        Check(DriftRadiusKm is > 0 and <= 10, nameof(DriftRadiusKm), DriftRadiusKm, "Anomalies:DriftRadiusKm must be above 0 and at most 10 km.");
        Check(DriftShare is > 0 and <= 10, nameof(DriftShare), DriftShare, "Anomalies:DriftShare must be above 0 and at most 10.");
        return this;

        static void Check(bool ok, string name, object value, string message)
        {
            if (!ok)
            {
                throw new ArgumentOutOfRangeException(name, value, message);
            }
        }
    }
}
