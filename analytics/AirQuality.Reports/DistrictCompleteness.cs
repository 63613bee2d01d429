namespace AirQuality.Reports;

/// <summary>
/// How complete a district's data for the day is: PM2.5 readings stored against those its sensors should have sent
/// (from each sensor's reporting interval), each sensor counted at most at its expected number.
/// </summary>
public sealed record DistrictCompleteness(string DistrictId, string DisplayName, int Sensors, int SensorsReporting, long Readings, long ExpectedReadings)
{
    /// <summary>From 0 to 1; 0 when no readings were expected.</summary>
    public double Share => ExpectedReadings == 0 ? 0 : (double)Readings / ExpectedReadings;
}
