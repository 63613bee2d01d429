namespace AirQuality.Anomalies;

/// <summary>What anomaly detection needs to know of a sensor: where it is (WGS84 degrees) and its district and township.</summary>
public sealed record AnomalySensor(string SensorId, string Name, string DistrictId, string TownshipId, double Latitude, double Longitude);
