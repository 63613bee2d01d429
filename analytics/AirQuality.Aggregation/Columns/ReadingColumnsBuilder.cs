using AirQuality.Contracts;

namespace AirQuality.Aggregation.Columns;

/// <summary>Turns reading records (as the ingest worker holds them) into <see cref="ReadingColumns"/> ordered by sensor, then time.</summary>
public static class ReadingColumnsBuilder
{
    public static ReadingColumns FromReadings(IReadOnlyList<SensorReading> readings)
    {
        var ids = readings.Select(r => r.SensorId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var index = new Dictionary<string, int>(ids.Length, StringComparer.Ordinal);
        for (var i = 0; i < ids.Length; i++)
        {
            index[ids[i]] = i;
        }

        var order = new int[readings.Count];
        var keys = new (int Sensor, long Micros)[readings.Count];
        for (var i = 0; i < readings.Count; i++)
        {
            order[i] = i;
            keys[i] = (index[readings[i].SensorId], ReadingColumns.ToMicros(readings[i].ObservedAt));
        }

        Array.Sort(keys, order);
        var columns = new ReadingColumns(ids, readings.Count);
        Span<float> values = stackalloc float[Pollutants.Count];
        for (var i = 0; i < order.Length; i++)
        {
            var r = readings[order[i]];
            values[(int)Pollutant.Pm25] = Float(r.Pm25);
            values[(int)Pollutant.Pm10] = Float(r.Pm10);
            values[(int)Pollutant.No2] = Float(r.No2);
            values[(int)Pollutant.So2] = Float(r.So2);
            values[(int)Pollutant.O3] = Float(r.O3);
            values[(int)Pollutant.Co] = Float(r.Co);
            columns.Add(keys[i].Sensor, keys[i].Micros, values);
        }

        return columns;
    }

    // The database stores real (float32); the aggregates must sum what is stored, not the double that was sent.
    static float Float(double? value) => value is { } v ? (float)v : float.NaN;
}
