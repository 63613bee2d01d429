using System.Globalization;
using AirQuality.Aggregation.Columns;
using AirQuality.Aggregation.Daily;
using AirQuality.Aggregation;
using AirQuality.Storage.Registry;
using Dapper;
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

    NpgsqlDataSource Database => dataSource ?? throw new InvalidOperationException("This detector was made without a database; use Detect on hourly means in memory.");

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
        await using var connection = await Database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM anomalies WHERE day = @day", new { day }, transaction, cancellationToken: cancellationToken));
        foreach (var a in anomalies)
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO anomalies (day, category, kinds, severity, sensor_ids, district_ids, township_ids, started_at, ended_at, peak_ugm3, peak_sensor_id, peak_at, detail)
                VALUES (@Day, @Category, @Kinds, @Severity, @SensorIds, @DistrictIds, @TownshipIds, @Start, @End, @PeakUgm3, @PeakSensorId, @PeakAt, @Detail)
                """, new
            {
                a.Day, a.Category, Kinds = a.Kinds.ToArray(), Severity = (float)a.Severity, SensorIds = a.SensorIds.ToArray(), DistrictIds = a.DistrictIds.ToArray(),
                TownshipIds = a.TownshipIds.ToArray(), a.Start, a.End, PeakUgm3 = (float?)a.PeakUgm3, a.PeakSensorId, a.PeakAt, a.Detail,
            }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return anomalies;
    }

    /// <summary>The anomalies stored for <paramref name="day"/>: pollution first, most severe first.</summary>
    public static async Task<IReadOnlyList<Anomaly>> LoadAsync(NpgsqlDataSource dataSource, DateOnly day, CancellationToken cancellationToken) =>
        [.. (await LoadWithIdsAsync(dataSource, day, cancellationToken)).Select(x => x.Anomaly)];

    /// <summary>The same, with each row's <c>anomaly_id</c>.</summary>
    public static async Task<IReadOnlyList<(long Id, Anomaly Anomaly)>> LoadWithIdsAsync(NpgsqlDataSource dataSource, DateOnly day, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Id, DateTime Day, string Category, string[] Kinds, float Severity, string[] SensorIds, string[] DistrictIds, string[] TownshipIds, DateTime Start, DateTime End, float? Peak, string? PeakSensor, DateTime? PeakAt, string Detail)>(
            new CommandDefinition("""
                SELECT anomaly_id, day, category, kinds, severity, sensor_ids, district_ids, township_ids, started_at, ended_at, peak_ugm3, peak_sensor_id, peak_at, detail
                FROM anomalies WHERE day = @day ORDER BY category = 'sensor_fault', severity DESC, started_at
                """, new { day }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => (r.Id, new Anomaly(DateOnly.FromDateTime(r.Day), r.Category, r.Kinds, r.Severity, r.SensorIds, r.DistrictIds, r.TownshipIds,
            r.Start, r.End, r.Peak, r.PeakSensor, r.PeakAt, r.Detail)))];
    }

    /// <summary>Whether any sensor has a reading in the local <paramref name="day"/>.</summary>
    public async Task<bool> HasReadingsAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var (target, _) = Window(day);
        await using var connection = await Database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT FROM sensor_readings WHERE observed_at > @from AND observed_at <= @to)",
            new { from = HourlyColumns.HourStart(target.FirstHour), to = HourlyColumns.HourStart(target.FirstHour + target.Hours) }, cancellationToken: cancellationToken));
    }

    /// <summary>Detects without storing.</summary>
    public async Task<IReadOnlyList<Anomaly>> DetectAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var (target, baseline) = Window(day);
        var hours = target.Hours;
        var offset = (int)(target.FirstHour - baseline.FirstHour); // where the day starts in the value grid
        var span = offset + hours;

        await using var connection = await Database.OpenConnectionAsync(cancellationToken);
        await HourlyStore.FoldAsync(connection, cancellationToken);
        var sensors = (await connection.QueryAsync<AnomalySensor>(new CommandDefinition(
            "SELECT sensor_id, name, district_id, township_id, latitude, longitude FROM sensors ORDER BY sensor_id", cancellationToken: cancellationToken))).ToList();
        var index = sensors.Select((s, i) => (s.SensorId, i)).ToDictionary(x => x.SensorId, x => x.i, StringComparer.Ordinal);
        var n = sensors.Count;
        var values = new double[n * span];
        Array.Fill(values, double.NaN);
        var readings = new int[n * hours];
        var rows = await connection.QueryAsync<(string SensorId, DateTime Hour, float? Pm25, bool Valid, int Readings)>(new CommandDefinition(
            "SELECT sensor_id, hour_start, pm25_ugm3, pm25_valid, pm25_readings FROM sensor_hourly_means WHERE hour_start >= @from AND hour_start < @to",
            new { from = HourlyColumns.HourStart(baseline.FirstHour), to = HourlyColumns.HourStart(target.FirstHour + hours) }, cancellationToken: cancellationToken));
        foreach (var r in rows)
        {
            if (!index.TryGetValue(r.SensorId, out var s))
            {
                continue;
            }

            var h = (int)(HourlyColumns.HourOf(r.Hour) - baseline.FirstHour);
            if (r.Valid && r.Pm25 is { } v)
            {
                values[s * span + h] = v;
            }

            if (h >= offset)
            {
                readings[s * hours + h - offset] = r.Readings;
            }
        }

        var flat = new bool[n * hours];
        var flatRows = await connection.QueryAsync<(string SensorId, DateTime Hour)>(new CommandDefinition("""
            SELECT sensor_id, date_bin('1 hour', observed_at - interval '1 microsecond', timestamptz '2000-01-01 00:00:00+00') AS hour_start
            FROM sensor_readings
            WHERE observed_at > @from AND observed_at <= @to AND pm25_ugm3 IS NOT NULL
            GROUP BY 1, 2
            HAVING count(*) >= 3 AND min(pm25_ugm3) = max(pm25_ugm3)
            """, new { from = HourlyColumns.HourStart(target.FirstHour), to = HourlyColumns.HourStart(target.FirstHour + hours) }, cancellationToken: cancellationToken));
        foreach (var (sensorId, hour) in flatRows)
        {
            if (index.TryGetValue(sensorId, out var s))
            {
                flat[s * hours + (int)(HourlyColumns.HourOf(hour) - target.FirstHour)] = true;
            }
        }

        var dailyLimits = (await connection.QueryAsync<(string SensorId, float Mean, float Limit)>(new CommandDefinition(
            "SELECT sensor_id, pm25_ugm3, pm25_limit_ugm3 FROM sensor_daily WHERE day = @day AND pm25_exceeds_limit", new { day }, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.SensorId, r => ((double)r.Mean, (double)r.Limit), StringComparer.Ordinal);

        // 15-minute means from the readings themselves, binned as the hourly means are: quarter q holds (start, start + 15 min].
        const int Q = HourlyPm25.QuartersPerHour;
        var quarters = new double[n * span * Q];
        Array.Fill(quarters, double.NaN);
        var (from, to) = (HourlyColumns.HourStart(baseline.FirstHour), HourlyColumns.HourStart(target.FirstHour + hours));
        var quarterRows = await connection.QueryAsync<(string SensorId, DateTime Quarter, double Pm25)>(new CommandDefinition("""
            SELECT sensor_id, date_bin(@width, observed_at - interval '1 microsecond', timestamptz '2000-01-01 00:00:00+00') AS quarter_start, avg(pm25_ugm3)::float8
            FROM sensor_readings
            WHERE observed_at > @from AND observed_at <= @to AND pm25_ugm3 IS NOT NULL
            GROUP BY 1, 2
            """, new { width = TimeSpan.FromHours(1) / Q, from, to }, cancellationToken: cancellationToken));
        foreach (var (sensorId, quarter, pm25) in quarterRows)
        {
            if (index.TryGetValue(sensorId, out var s))
            {
                quarters[s * span * Q + (int)((quarter - from).Ticks / (TimeSpan.TicksPerHour / Q))] = pm25;
            }
        }

        // The city's wind each hour, as attribution reads it; NaN where no station measured it.
        var wind = new double[span];
        Array.Fill(wind, double.NaN);
        foreach (var w in await CityWind.LoadAsync(connection, from, to, cancellationToken))
        {
            wind[(int)(w.Hour - baseline.FirstHour)] = w.FromDeg;
        }

        return Detect(day, sensors, new HourlyPm25(baseline.FirstHour, span, values, quarters, wind, readings, flat), dailyLimits);
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
        for (var s = 0; s < n; s++)
        {
            anomalies.AddRange(Faults(day, sensors[s], s, hours, target, readings, flat, fault));
        }

        anomalies.AddRange(Drifts(day, sensors, values, span, offset, baseline, target, fault));

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

        anomalies.AddRange(Episodes(day, sensors, neighbours, hours, target, grid, kinds, rises));
        anomalies.AddRange(HourlyExceedances(day, sensors, exceeded, values, span, offset, target));
        // A sensor with a fault that day has a daily mean nobody should act on.
        var faulty = anomalies.Where(a => a.Category == Anomaly.SensorFault).SelectMany(a => a.SensorIds).ToHashSet(StringComparer.Ordinal);
        anomalies.AddRange(DailyExceedances(day, sensors.Where(x => !faulty.Contains(x.SensorId)).ToList(), dailyLimits, target));
        return [.. anomalies.OrderBy(a => a.Category == Anomaly.SensorFault).ThenByDescending(a => a.Severity).ThenBy(a => a.Start)];
    }

    /// <summary>
    /// One row per district whose sensors' daily means exceeded the 24-hour limit: a day-long condition, so it
    /// marks no hours and joins no episode (which would chain a whole polluted district into one).
    /// </summary>
    static IEnumerable<Anomaly> DailyExceedances(DateOnly day, List<AnomalySensor> sensors, IReadOnlyDictionary<string, (double Mean, double Limit)> exceeded, LocalDays target)
    {
        foreach (var district in sensors.Where(s => exceeded.ContainsKey(s.SensorId)).GroupBy(s => s.DistrictId).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var worst = district.MaxBy(s => exceeded[s.SensorId].Mean)!;
            var (mean, limit) = exceeded[worst.SensorId];
            yield return new Anomaly(day, Anomaly.Pollution, [AnomalyKinds.DailyExceedance], mean / limit,
                [.. district.Select(s => s.SensorId)], [district.Key], [.. district.Select(s => s.TownshipId).Distinct()],
                HourlyColumns.HourStart(target.FirstHour), HourlyColumns.HourStart(target.FirstHour + target.Hours), mean, worst.SensorId, null,
                string.Create(CultureInfo.InvariantCulture, $"{district.Count()} sensor(s) in {district.Key} had a daily PM2.5 mean above the 24-hour limit of {limit:0} µg/m³; the highest, {mean:0.0} µg/m³, at {worst.SensorId} ({worst.Name})."));
        }
    }

    IEnumerable<Anomaly> Faults(DateOnly day, AnomalySensor sensor, int s, int hours, LocalDays target, int[] readings, bool[] flat, bool[] fault)
    {
        foreach (var (kind, isFault, minimum) in new[]
        {
            (AnomalyKinds.MissingData, (Func<int, bool>)(h => readings[s * hours + h] == 0), options.MissingHours),
            (AnomalyKinds.Flatline, h => flat[s * hours + h], options.FlatHours),
        })
        {
            for (var h = 0; h < hours;)
            {
                if (!isFault(h))
                {
                    h++;
                    continue;
                }

                var end = h;
                while (end < hours && isFault(end))
                {
                    end++;
                }

                if (end - h >= minimum)
                {
                    for (var i = h; i < end; i++)
                    {
                        fault[s * hours + i] = true;
                    }

                    var (start, stop) = (HourlyColumns.HourStart(target.FirstHour + h), HourlyColumns.HourStart(target.FirstHour + end));
                    var what = kind == AnomalyKinds.MissingData ? "sent no readings" : "sent the same PM2.5 value all hour, every hour";
                    yield return new Anomaly(day, Anomaly.SensorFault, [kind], (end - h) / 24.0, [sensor.SensorId], [sensor.DistrictId], [sensor.TownshipId], start, stop, null, null, null,
                        $"{sensor.SensorId} ({sensor.Name}) {what} from {Local(start, target)} to {Local(stop, target)} ({end - h} hours).");
                }

                h = end;
            }
        }
    }

    /// <summary>
    /// Drift against co-located neighbours: each day, the lower quartile over its hours of the sensor's reading over
    /// the median of its neighbours within <see cref="AnomalyOptions.DriftRadiusKm"/>. The sensor drifts, and its whole
    /// day is a fault, when that ratio in the last three days (the day among them) has moved by
    /// <see cref="AnomalyOptions.DriftShare"/> from the first days of the baseline and has moved steadily one way
    /// (rank correlation with the day of at least 0.8). A plume raises hours, not the lower quartile of a week.
    /// </summary>
    IEnumerable<Anomaly> Drifts(DateOnly day, List<AnomalySensor> sensors, double[] values, int span, int offset, LocalDays baseline, LocalDays target, bool[] fault)
    {
        const int MinHours = 12;
        const double MinTrend = 0.8;
        var hours = target.Hours;
        var colocated = Neighbours(sensors, options.DriftRadiusKm);
        var dayStarts = baseline.DayStart.SkipLast(1).Append(offset).ToArray(); // the baseline days, then the day itself
        for (var s = 0; s < sensors.Count; s++)
        {
            if (colocated[s].Length < 2)
            {
                continue;
            }

            var ratios = new double[dayStarts.Length];
            for (var d = 0; d < dayStarts.Length; d++)
            {
                var end = d + 1 < dayStarts.Length ? dayStarts[d + 1] : span;
                var hourly = new List<double>();
                for (var h = dayStarts[d]; h < end; h++)
                {
                    var v = values[s * span + h];
                    var around = colocated[s].Select(o => values[o * span + h]).Where(x => !double.IsNaN(x)).Order().ToArray();
                    if (!double.IsNaN(v) && around.Length >= 2 && Median(around) is var m && m > 0)
                    {
                        hourly.Add(v / m);
                    }
                }

                hourly.Sort();
                // The lower quartile: a plume blown onto the sensor raises some hours; a miscalibration scales all of them.
                ratios[d] = hourly.Count >= MinHours ? hourly[hourly.Count / 4] : double.NaN;
            }

            var early = ratios.Take(Math.Max(1, (ratios.Length - 3) / 2 + 1)).Where(r => !double.IsNaN(r)).Order().ToArray();
            var late = ratios.TakeLast(3).Where(r => !double.IsNaN(r)).Order().ToArray();
            if (early.Length < 2 || late.Length < 2 || double.IsNaN(ratios[^1]))
            {
                continue;
            }

            var (before, now, today) = (Median(early), Median(late), ratios[^1]);
            bool Moved(double r) => r / before >= 1 + options.DriftShare || r / before <= 1 / (1 + options.DriftShare);
            // Drift creeps one way day after day; a ratio that moves with the weather goes up and down.
            var days = Enumerable.Range(0, ratios.Length).Where(d => !double.IsNaN(ratios[d])).ToArray();
            var trend = RankCorrelation([.. days.Select(d => (double)d)], [.. days.Select(d => ratios[d])]);
            if (!Moved(now) || !Moved(today) || days.Length < 5 || Math.Abs(trend) < MinTrend || Math.Sign(trend) != Math.Sign(today - before))
            {
                continue;
            }

            for (var h = 0; h < hours; h++)
            {
                fault[s * hours + h] = true;
            }

            var sensor = sensors[s];
            yield return new Anomaly(day, Anomaly.SensorFault, [AnomalyKinds.Drift], 1, [sensor.SensorId], [sensor.DistrictId], [sensor.TownshipId],
                HourlyColumns.HourStart(target.FirstHour), HourlyColumns.HourStart(target.FirstHour + hours), null, null, null,
                string.Create(CultureInfo.InvariantCulture,
                    $"{sensor.SensorId} ({sensor.Name}) read {today:0.00}× the median of its {colocated[s].Length} co-located neighbours within {options.DriftRadiusKm:0.#} km, against {before:0.00}× at the start of the week: drift, not pollution; check or recalibrate it."));
        }
    }

    /// <summary>
    /// Groups the rising 15-minute cells into episodes: the same sensor's rises at most an hour apart, and sensors within
    /// <see cref="AnomalyOptions.NeighbourRadiusKm"/> of each other whose rises are at most
    /// <see cref="AnomalyOptions.NeighbourLinkGap"/> apart. An episode runs from its first rising quarter's start to its
    /// last one's end; its peak is its highest 15-minute mean.
    /// </summary>
    IEnumerable<Anomaly> Episodes(DateOnly day, List<AnomalySensor> sensors, int[][] neighbours, int hours, LocalDays target, HourlyPm25 grid, List<string>?[] kinds, UsualLevels.Rise?[] rises)
    {
        const int Q = HourlyPm25.QuartersPerHour;
        var cells = hours * Q;
        // Neighbours join only when they rose together: chained over an hour at a time, an everyday plume next door and an
        // incident a kilometre on would share one episode in which neither is most of the excess.
        var neighbourGap = (int)(options.NeighbourLinkGap.Ticks / (TimeSpan.TicksPerHour / Q));
        var parent = Enumerable.Range(0, kinds.Length).ToArray();
        int Find(int x) => parent[x] == x ? x : parent[x] = Find(parent[x]);
        for (var s = 0; s < sensors.Count; s++)
        {
            for (var q = 0; q < cells; q++)
            {
                if (kinds[s * cells + q] is null)
                {
                    continue;
                }

                foreach (var o in neighbours[s].Append(s))
                {
                    var gap = o == s ? Q : neighbourGap;
                    for (var dq = -gap; dq <= gap; dq++)
                    {
                        if (q + dq >= 0 && q + dq < cells && (o != s || dq != 0) && kinds[o * cells + q + dq] is not null)
                        {
                            parent[Find(s * cells + q)] = Find(o * cells + q + dq);
                        }
                    }
                }
            }
        }

        var quarterTicks = TimeSpan.TicksPerHour / Q;
        DateTime QuarterStart(int q) => HourlyColumns.HourStart(target.FirstHour).AddTicks(q * quarterTicks);
        foreach (var group in Enumerable.Range(0, kinds.Length).Where(c => kinds[c] is not null).GroupBy(Find))
        {
            var members = group.Select(c => (Sensor: c / cells, Quarter: c % cells, Rise: rises[c]!.Value)).ToList();
            if (members.Count < options.MinRiseQuarters)
            {
                continue;
            }

            var peak = members.MaxBy(m => m.Rise.Value);
            var episodeSensors = members.Select(m => sensors[m.Sensor]).DistinctBy(x => x.SensorId).OrderBy(x => x.SensorId, StringComparer.Ordinal).ToList();
            var (start, end) = (QuarterStart(members.Min(m => m.Quarter)), QuarterStart(members.Max(m => m.Quarter) + 1));
            var allKinds = group.SelectMany(c => kinds[c]!).Distinct().Order(StringComparer.Ordinal).ToArray();
            var peakSensor = sensors[peak.Sensor];
            var r = peak.Rise;
            var detail = string.Create(CultureInfo.InvariantCulture,
                $"{episodeSensors.Count} sensor(s) in {Few(episodeSensors.Select(x => x.TownshipId).Distinct().ToList())} from {Local(start, target)} to {Local(end, target)}; peak {r.Value:0} µg/m³ (15-minute mean) at {peakSensor.SensorId} ({peakSensor.Name}) at {Local(QuarterStart(peak.Quarter + 1), target)}; {string.Join(", ", allKinds)}. {peakSensor.SensorId} rose to {r.Value:0} µg/m³ against its usual {r.Expected:0} µg/m³ {r.Basis} (noise ±{r.Noise:0.0} µg/m³).");
            yield return new Anomaly(day, Anomaly.Pollution, allKinds, r.Value / options.HourlyLimitUgm3,
                [.. episodeSensors.Select(x => x.SensorId)], [.. episodeSensors.Select(x => x.DistrictId).Distinct()], [.. episodeSensors.Select(x => x.TownshipId).Distinct()],
                start, end, r.Value, peakSensor.SensorId, QuarterStart(peak.Quarter), detail);
        }
    }

    /// <summary>
    /// One row per district whose sensors had hourly means above the hourly limit without rising above their usual
    /// level: the city's air that hour, not an incident to attribute, so like a daily exceedance it joins no episode.
    /// </summary>
    IEnumerable<Anomaly> HourlyExceedances(DateOnly day, List<AnomalySensor> sensors, List<(int Sensor, int Hour)> exceeded, double[] values, int span, int offset, LocalDays target)
    {
        foreach (var district in exceeded.GroupBy(x => sensors[x.Sensor].DistrictId).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var worst = district.MaxBy(x => values[x.Sensor * span + offset + x.Hour]);
            var peak = values[worst.Sensor * span + offset + worst.Hour];
            var members = district.Select(x => sensors[x.Sensor]).DistinctBy(x => x.SensorId).OrderBy(x => x.SensorId, StringComparer.Ordinal).ToList();
            var (start, end) = (HourlyColumns.HourStart(target.FirstHour + district.Min(x => x.Hour)), HourlyColumns.HourStart(target.FirstHour + district.Max(x => x.Hour) + 1));
            var at = HourlyColumns.HourStart(target.FirstHour + worst.Hour);
            yield return new Anomaly(day, Anomaly.Pollution, [AnomalyKinds.HourlyExceedance], peak / options.HourlyLimitUgm3,
                [.. members.Select(x => x.SensorId)], [district.Key], [.. members.Select(x => x.TownshipId).Distinct()], start, end, peak, sensors[worst.Sensor].SensorId, at,
                string.Create(CultureInfo.InvariantCulture,
                    $"{members.Count} sensor(s) in {district.Key} had {district.Count()} hourly PM2.5 mean(s) above the hourly limit of {options.HourlyLimitUgm3:0} µg/m³ between {Local(start, target)} and {Local(end, target)} without rising above their usual level there: the district's air, not a local incident; the highest, {peak:0} µg/m³, at {sensors[worst.Sensor].SensorId} ({sensors[worst.Sensor].Name}) from {Local(at, target)}."));
        }
    }

    static string Few(List<string> names) =>
        names.Count <= 4 ? string.Join(", ", names) : $"{string.Join(", ", names.Take(3))} and {names.Count - 3} more townships";

    int[][] Neighbours(List<AnomalySensor> sensors) => Neighbours(sensors, options.NeighbourRadiusKm);

    internal static int[][] Neighbours(List<AnomalySensor> sensors, double radiusKm)
    {
        var radius = radiusKm * 1000;
        return [.. sensors.Select((a, i) => sensors.Select((b, j) => (b, j))
            .Where(x => x.j != i && Geo.DistanceMetres(a.Latitude, a.Longitude, x.b.Latitude, x.b.Longitude) <= radius).Select(x => x.j).ToArray())];
    }

    /// <summary>Spearman's rank correlation (no ties expected: days, and ratios of real numbers).</summary>
    static double RankCorrelation(double[] a, double[] b)
    {
        static double[] Ranks(double[] x)
        {
            var order = Enumerable.Range(0, x.Length).OrderBy(i => x[i]).ToArray();
            var ranks = new double[x.Length];
            for (var r = 0; r < order.Length; r++)
            {
                ranks[order[r]] = r;
            }

            return ranks;
        }

        var (ra, rb) = (Ranks(a), Ranks(b));
        var n = a.Length;
        var sum = 0.0;
        for (var i = 0; i < n; i++)
        {
            sum += (ra[i] - rb[i]) * (ra[i] - rb[i]);
        }

        return n < 2 ? 0 : 1 - 6 * sum / (n * ((double)n * n - 1));
    }

    static double Median(double[] sorted) => sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;

    static string Local(DateTime utc, LocalDays days)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(utc, days.TimeZone);
        // The end of the day reads 24:00, not 00:00.
        return local.TimeOfDay == TimeSpan.Zero && DateOnly.FromDateTime(local) > days.First ? "24:00" : local.ToString("HH:mm", CultureInfo.InvariantCulture);
    }
}
