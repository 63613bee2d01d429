namespace AirQuality.Aggregation.Daily;

/// <summary>The level a daily figure is for; each has its table (<c>sensor_daily</c>, <c>district_daily</c>, <c>city_daily</c>).</summary>
public enum AreaLevel
{
    Sensor,
    District,
    City,
}
