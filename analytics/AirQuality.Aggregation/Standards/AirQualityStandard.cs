namespace AirQuality.Aggregation.Standards;

/// <summary>One row of <c>aq_standards</c>: the AQI regulation and ambient limits in force for a range of local days.</summary>
/// <remarks><see cref="EffectiveFrom"/> is inclusive, <see cref="EffectiveUntil"/> exclusive (null: still in force).</remarks>
public sealed record AirQualityStandard(
    string Version, DateOnly EffectiveFrom, DateOnly? EffectiveUntil, string AqiRegulation, string AmbientStandard,
    double Pm25DailyLimitUgm3, double Pm25AnnualLimitUgm3)
{
    public bool AppliesTo(DateOnly day) => EffectiveFrom <= day && (EffectiveUntil is not { } until || day < until);
}
