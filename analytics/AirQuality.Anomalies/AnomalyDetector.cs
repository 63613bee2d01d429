using AirQuality.Aggregation.Columns;
using AirQuality.Aggregation.Daily;
using AirQuality.Aggregation;
using AirQuality.Storage.Registry;
using Npgsql;

namespace AirQuality.Anomalies;

/// <summary>
/// Finds a local day's anomalies: 15-minute PM2.5 means that rose above each sensor's usual level (learnt from its own
/// history by hour of day, type of day and wind, relative to the sensors around it; see <see cref="UsualLevels"/>),
/// grouped into episodes of neighbouring sensors; hourly and daily exceedances; and, kept apart, sensor faults (hours
/// without readings, flat-lined readings, drift against co-located neighbours).
/// </summary>
/// <remarks>
/// A fault hour never counts as pollution: a flat-lined or silent sensor cannot be evidence of an episode. Out of
/// range values do not reach the database at all; ingest dead-letters them with reason <c>out_of_range</c>.
/// </remarks>
public sealed class AnomalyDetector(NpgsqlDataSource? dataSource, AnomalyOptions options, AggregationOptions aggregation)
{
    /// <summary>A detector for hourly means already in memory (<see cref="Detect"/>), such as a simulated world's.</summary>
    public AnomalyDetector(AnomalyOptions options, AggregationOptions aggregation)
        : this(null, options, aggregation)
    {
    }

    AnomalyStore Store => dataSource is null
        ? throw new InvalidOperationException("This detector was made without a database; use Detect on hourly means in memory.")
        : new AnomalyStore(dataSource, options.Pm25);

    /// <summary>
    /// Detects the anomalies of <paramref name="day"/> and replaces that day's rows in <c>anomalies</c>; on a day with
    /// no readings at all (see <see cref="HasReadingsAsync"/>) it finds and stores nothing.
    /// </summary>
    public async Task<IReadOnlyList<Anomaly>> RunAsync(DateOnly day, CancellationToken cancellationToken)
    {
        // Without a single reading every sensor would be reported as missing data: that says nothing about the sensors.
        if (!await HasReadingsAsync(day, cancellationToken))
        {
            return [];
        }

        var anomalies = await DetectAsync(day, cancellationToken);
        await Store.ReplaceDayAsync(day, anomalies, cancellationToken);
        return anomalies;
    }

    /// <summary>The anomalies stored for <paramref name="day"/>: pollution first, most severe first.</summary>
    public static async Task<IReadOnlyList<Anomaly>> LoadAsync(NpgsqlDataSource dataSource, DateOnly day, CancellationToken cancellationToken) =>
        [.. (await LoadWithIdsAsync(dataSource, day, cancellationToken)).Select(x => x.Anomaly)];

    /// <summary>The same, with each row's <c>anomaly_id</c>.</summary>
    public static Task<IReadOnlyList<(long Id, Anomaly Anomaly)>> LoadWithIdsAsync(NpgsqlDataSource dataSource, DateOnly day, CancellationToken cancellationToken) =>
        AnomalyStore.LoadWithIdsAsync(dataSource, day, cancellationToken);

    /// <summary>Whether any sensor has a reading in the local <paramref name="day"/>.</summary>
    public Task<bool> HasReadingsAsync(DateOnly day, CancellationToken cancellationToken) => Store.HasReadingsAsync(Window(day).Target, cancellationToken);

    /// <summary>Detects without storing.</summary>
    public async Task<IReadOnlyList<Anomaly>> DetectAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var (target, baseline) = Window(day);
        var (sensors, grid, dailyLimits) = await Store.LoadAsync(day, target, baseline, cancellationToken);
        return Detect(day, sensors, grid, dailyLimits);
    }

    /// <summary>The day's hours and the baseline days before them, in the configured time zone.</summary>
    public (LocalDays Target, LocalDays Baseline) Window(DateOnly day) =>
        (new LocalDays(day, day, aggregation.Zone), new LocalDays(day.AddDays(-options.BaselineDays), day.AddDays(-1), aggregation.Zone));

    /// <summary>
    /// Detects the anomalies of <paramref name="day"/> in hourly means already in memory (from the database, or from a
    /// simulated world); <paramref name="dailyExceedances"/> holds the sensors whose daily mean exceeded its limit.
    /// </summary>
    public IReadOnlyList<Anomaly> Detect(DateOnly day, IReadOnlyList<AnomalySensor> sensorList, HourlyPm25 grid, IReadOnlyDictionary<string, (double Mean, double Limit)> dailyExceedances)
    {
        var (target, baseline) = Window(day);
        var hours = target.Hours;
        var offset = (int)(target.FirstHour - baseline.FirstHour);
        var span = offset + hours;
        if (grid.FirstHour != baseline.FirstHour || grid.Hours != span || grid.Sensors != sensorList.Count
            || grid.Quarters.Length != grid.Values.Length * HourlyPm25.QuartersPerHour || grid.WindFromDeg.Length != span)
        {
            throw new ArgumentOutOfRangeException(nameof(grid), $"The grid must cover the {options.BaselineDays} baseline days and the day itself ({span} hours from {HourlyColumns.HourStart(baseline.FirstHour):u}) for {sensorList.Count} sensors, with {HourlyPm25.QuartersPerHour} 15-minute means per hourly mean and the wind of each hour.");
        }

        var sensors = sensorList as List<AnomalySensor> ?? [.. sensorList];
        var values = grid.Values;
        var readings = grid.DayReadings;
        var flat = grid.DayFlat;
        var dailyLimits = dailyExceedances;
        var n = sensors.Count;
        var neighbours = Neighbours(sensors);
        var anomalies = new List<Anomaly>();
        var fault = new bool[n * hours];
        var faults = new SensorFaultRule(options);
        for (var s = 0; s < n; s++)
        {
            anomalies.AddRange(faults.Find(day, sensors[s], s, target, readings, flat, fault));
        }

        anomalies.AddRange(new DriftRule(options).Find(day, sensors, values, span, offset, baseline, target, fault));

        var rises = new UsualLevels(options).Find(sensors, grid, baseline, target, fault);
        var cells = hours * HourlyPm25.QuartersPerHour;
        var kinds = new List<string>?[n * cells];
        var exceeded = new List<(int Sensor, int Hour)>();
        for (var s = 0; s < n; s++)
        {
            for (var h = 0; h < hours; h++)
            {
                var v = values[s * span + offset + h];
                var over = !double.IsNaN(v) && !fault[s * hours + h] && v > options.HourlyLimitUgm3;
                var rose = false;
                for (var k = 0; k < HourlyPm25.QuartersPerHour; k++)
                {
                    var c = s * cells + h * HourlyPm25.QuartersPerHour + k;
                    if (rises[c] is not null)
                    {
                        kinds[c] = over ? [AnomalyKinds.Spike, AnomalyKinds.HourlyExceedance] : [AnomalyKinds.Spike];
                        rose = true;
                    }
                }

                // An hour above the limit with no rise is the city's air, not an incident: it is reported per district, like a daily exceedance.
                if (over && !rose)
                {
                    exceeded.Add((s, h));
                }
            }
        }

        anomalies.AddRange(new EpisodeRule(options).Find(day, sensors, neighbours, hours, target, kinds, rises));
        anomalies.AddRange(new HourlyExceedanceRule(options).Find(day, sensors, exceeded, values, span, offset, target));
        // A sensor with a fault that day has a daily mean nobody should act on.
        var faulty = anomalies.Where(a => a.Category == Anomaly.SensorFault).SelectMany(a => a.SensorIds).ToHashSet(StringComparer.Ordinal);
        anomalies.AddRange(DailyExceedanceRule.Find(day, sensors.Where(x => !faulty.Contains(x.SensorId)).ToList(), dailyLimits, target));
        return [.. anomalies.OrderBy(a => a.Category == Anomaly.SensorFault).ThenByDescending(a => a.Severity).ThenBy(a => a.Start)];
    }

    /// <summary>
    /// What sensor <paramref name="sensor"/>'s running means were judged against in hour <paramref name="hour"/> of
    /// <paramref name="day"/> (0 at local midnight), at that hour's highest one: a development aid for finding why an
    /// incident was missed, on the same input as <see cref="Detect"/>.
    /// </summary>
    public RiseCheck Explain(DateOnly day, IReadOnlyList<AnomalySensor> sensorList, HourlyPm25 grid, int sensor, int hour)
    {
        var (target, baseline) = Window(day);
        var sensors = sensorList as List<AnomalySensor> ?? [.. sensorList];
        var fault = new bool[sensors.Count * target.Hours];
        var faults = new SensorFaultRule(options);
        for (var s = 0; s < sensors.Count; s++)
        {
            _ = faults.Find(day, sensors[s], s, target, grid.DayReadings, grid.DayFlat, fault).ToList();
        }

        return new UsualLevels(options).Explain(sensors, grid, baseline, target, fault, sensor, hour);
    }

    int[][] Neighbours(List<AnomalySensor> sensors) => Neighbours(sensors, options.NeighbourRadiusKm);

    internal static int[][] Neighbours(List<AnomalySensor> sensors, double radiusKm)
    {
        var radius = radiusKm * 1000;
        return [.. sensors.Select((a, i) => sensors.Select((b, j) => (b, j))
            .Where(x => x.j != i && Geo.DistanceMetres(a.Latitude, a.Longitude, x.b.Latitude, x.b.Longitude) <= radius).Select(x => x.j).ToArray())];
    }
}
