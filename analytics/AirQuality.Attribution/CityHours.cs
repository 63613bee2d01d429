using AirQuality.Storage.Registry;

namespace AirQuality.Attribution;

/// <summary>
/// What attribution reads of a stretch of hours: each sensor's hourly PM2.5, PM10, SO2 and CO, the city's hourly wind,
/// and each monitored source's hourly particulate in its flue gas. Filled from the database or from a simulated world.
/// </summary>
/// <remarks>
/// Hour 0 is <see cref="FirstHour"/> (hours since 1970-01-01 UTC). PM in µg/m³, wind "from" in degrees clockwise
/// from north and speed in m/s at 10 m, SO2 in µg/m³, CO and particulate in mg/m³. NaN marks an hour with no valid value.
/// </remarks>
public sealed class CityHours
{
    readonly Dictionary<string, int> _sensorIndex;
    readonly Dictionary<string, int> _sourceIndex;
    double[]? _background;
    double[]? _backgroundPm10;
    double[]? _backgroundSo2;
    double[]? _backgroundCo;

    public CityHours(IReadOnlyList<Sensor> sensors, IReadOnlyList<PollutionSource> sources, long firstHour, int hours)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hours, 1);
        Sensors = sensors;
        Sources = sources;
        FirstHour = firstHour;
        Hours = hours;
        Pm25 = Filled(sensors.Count * hours);
        Pm10 = Filled(sensors.Count * hours);
        So2 = Filled(sensors.Count * hours);
        Co = Filled(sensors.Count * hours);
        WindFromDeg = Filled(hours);
        WindSpeedMs = Filled(hours);
        Particulate = Filled(sources.Count * hours);
        _sensorIndex = sensors.Select((s, i) => (s.SensorId, i)).ToDictionary(x => x.SensorId, x => x.i, StringComparer.Ordinal);
        _sourceIndex = sources.Select((s, i) => (s.SourceId, i)).ToDictionary(x => x.SourceId, x => x.i, StringComparer.Ordinal);
    }

    public IReadOnlyList<Sensor> Sensors { get; }

    public IReadOnlyList<PollutionSource> Sources { get; }

    public long FirstHour { get; }

    public int Hours { get; }

    /// <summary>[sensor × Hours + hour]</summary>
    public double[] Pm25 { get; }

    public double[] Pm10 { get; }

    /// <summary>[sensor × Hours + hour], µg/m³; NaN for sensors that do not measure it.</summary>
    public double[] So2 { get; }

    /// <summary>[sensor × Hours + hour], mg/m³.</summary>
    public double[] Co { get; }

    public double[] WindFromDeg { get; }

    public double[] WindSpeedMs { get; }

    /// <summary>[source × Hours + hour]; NaN throughout for sources without telemetry.</summary>
    public double[] Particulate { get; }

    public int? SensorIndex(string sensorId) => _sensorIndex.TryGetValue(sensorId, out var i) ? i : null;

    public int? SourceIndex(string sourceId) => _sourceIndex.TryGetValue(sourceId, out var i) ? i : null;

    /// <summary>The city's background in each hour: the median of all sensors' PM2.5, against which a sensor's excess is judged.</summary>
    public double Background(int hour) => (_background ??= HourlyMedians(Pm25))[hour];

    /// <summary>The median of all sensors' PM10 in each hour.</summary>
    public double BackgroundPm10(int hour) => (_backgroundPm10 ??= HourlyMedians(Pm10))[hour];

    /// <summary>The median of all sensors' SO2 in each hour.</summary>
    public double BackgroundSo2(int hour) => (_backgroundSo2 ??= HourlyMedians(So2))[hour];

    /// <summary>The median of all sensors' CO in each hour.</summary>
    public double BackgroundCo(int hour) => (_backgroundCo ??= HourlyMedians(Co))[hour];

    /// <summary>How far sensor <paramref name="s"/> stood above the city's background in <paramref name="hour"/>, µg/m³ (0 when missing).</summary>
    public double Excess(int s, int hour)
    {
        if (hour < 0 || hour >= Hours)
        {
            return 0;
        }

        var v = Pm25[s * Hours + hour];
        var b = Background(hour);
        return double.IsNaN(v) || double.IsNaN(b) ? 0 : Math.Max(0, v - b);
    }

    /// <summary>Local hour of day (0–24) of <paramref name="hour"/> in <paramref name="zone"/>.</summary>
    public double LocalHourOfDay(int hour, TimeZoneInfo zone)
    {
        var utc = DateTime.UnixEpoch.AddHours(FirstHour + hour);
        return TimeZoneInfo.ConvertTimeFromUtc(utc, zone).TimeOfDay.TotalHours;
    }

    double[] HourlyMedians(double[] values)
    {
        var medians = new double[Hours];
        var column = new List<double>(Sensors.Count);
        for (var h = 0; h < Hours; h++)
        {
            column.Clear();
            for (var s = 0; s < Sensors.Count; s++)
            {
                if (!double.IsNaN(values[s * Hours + h]))
                {
                    column.Add(values[s * Hours + h]);
                }
            }

            column.Sort();
            medians[h] = column.Count == 0 ? double.NaN : column[column.Count / 2];
        }

        return medians;
    }

    static double[] Filled(int length)
    {
        var values = new double[length];
        Array.Fill(values, double.NaN);
        return values;
    }
}
