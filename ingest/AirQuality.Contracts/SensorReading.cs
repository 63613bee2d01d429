namespace AirQuality.Contracts;

/// <summary>One sensor's measurement at one instant.</summary>
/// <remarks>
/// Units: particulates, NO2, SO2 and O3 in µg/m³; CO in mg/m³; temperature in °C; relative humidity in %;
/// wind speed in m/s; wind direction in degrees clockwise from north, the direction the wind blows from;
/// pressure in hPa. <see cref="ObservedAt"/> is UTC and marks the end of the averaging interval.
/// Only the sensor id, the timestamp and PM2.5 are required.
/// </remarks>
public sealed record SensorReading(
    string SensorId,
    DateTimeOffset ObservedAt,
    double? Pm25,
    double? Pm10 = null,
    double? No2 = null,
    double? So2 = null,
    double? O3 = null,
    double? Co = null,
    double? Temperature = null,
    double? Humidity = null,
    double? WindSpeed = null,
    double? WindDirection = null,
    double? Pressure = null);

/// <summary>Several readings sent together by one gateway.</summary>
public sealed record SensorReadingBatch(string? GatewayId, IReadOnlyList<SensorReading> Readings);
