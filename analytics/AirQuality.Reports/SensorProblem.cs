namespace AirQuality.Reports;

/// <summary>A sensor that needs attention: offline all day, or with faults (missing data, flat line) from <c>anomalies</c>.</summary>
/// <remarks>
/// <see cref="Kinds"/> holds the fault kinds of <c>anomalies.kinds</c>, or <see cref="Offline"/> alone. For faults, <see cref="Start"/>
/// (inclusive) and <see cref="End"/> (exclusive) are UTC; for an offline sensor they span the whole day.
/// </remarks>
public sealed record SensorProblem(NamedPlace Sensor, string DistrictId, NamedPlace Township, IReadOnlyList<string> Kinds, DateTime Start, DateTime End, string Detail)
{
    public const string Offline = "offline";
}
