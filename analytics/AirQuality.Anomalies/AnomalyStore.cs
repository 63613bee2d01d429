using AirQuality.Aggregation.Calibration;
using AirQuality.Aggregation.Columns;
using AirQuality.Aggregation.Daily;
using AirQuality.Aggregation;
using Dapper;
using Npgsql;

namespace AirQuality.Anomalies;

/// <summary>
/// The detector's SQL: what it reads (sensors, hourly and 15-minute PM2.5 means, flat-lined hours, daily exceedances,
/// the city's wind) and the <c>anomalies</c> rows it writes and attribution reads back.
/// </summary>
/// <remarks>
/// With <paramref name="pm25"/> <see cref="Pm25Flow.Corrected"/>, micro sensors' PM2.5 is read corrected: hourly means
/// from <c>sensor_hourly_means.pm25_corrected_ugm3</c> (raw where the hour has none), 15-minute means through the same
/// model and humidity as their hour's (<c>calibrated_pm25()</c> with the hour's version and <c>rh_pct</c>), so the two
/// agree; and each row records the calibration versions behind it (migration 0024).
/// </remarks>
sealed class AnomalyStore(NpgsqlDataSource dataSource, Pm25Flow pm25 = Pm25Flow.Raw)
{
    bool Corrected => pm25 == Pm25Flow.Corrected;

    /// <summary>Replaces <paramref name="day"/>'s rows in <c>anomalies</c> with <paramref name="anomalies"/>, in one transaction.</summary>
    public async Task ReplaceDayAsync(DateOnly day, IReadOnlyList<Anomaly> anomalies, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM anomalies WHERE day = @day", new { day }, transaction, cancellationToken: cancellationToken));
        foreach (var a in anomalies)
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO anomalies (day, category, kinds, severity, sensor_ids, district_ids, township_ids, started_at, ended_at, peak_ugm3, peak_sensor_id, peak_at, detail,
                                       pm25_values, calibration_versions)
                VALUES (@Day, @Category, @Kinds, @Severity, @SensorIds, @DistrictIds, @TownshipIds, @Start, @End, @PeakUgm3, @PeakSensorId, @PeakAt, @Detail,
                        @Pm25Values, CASE WHEN @Corrected THEN pm25_calibration_versions(@SensorIds, @Start, @End) END)
                """, new
            {
                a.Day, a.Category, Kinds = a.Kinds.ToArray(), Severity = (float)a.Severity, SensorIds = a.SensorIds.ToArray(), DistrictIds = a.DistrictIds.ToArray(),
                TownshipIds = a.TownshipIds.ToArray(), a.Start, a.End, PeakUgm3 = (float?)a.PeakUgm3, a.PeakSensorId, a.PeakAt, a.Detail,
                Pm25Values = Corrected ? "corrected" : "raw", Corrected,
            }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }

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

    /// <summary>Whether any sensor has a reading in the local day <paramref name="target"/>.</summary>
    public async Task<bool> HasReadingsAsync(LocalDays target, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT FROM sensor_readings WHERE observed_at > @from AND observed_at <= @to)",
            new { from = HourlyColumns.HourStart(target.FirstHour), to = HourlyColumns.HourStart(target.FirstHour + target.Hours) }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The detector's input for <paramref name="day"/>: the sensors, their hourly and 15-minute means over the baseline
    /// days and the day (brought up to date first), the day's flat-lined hours, the city's wind, and the sensors whose
    /// daily mean exceeded its limit.
    /// </summary>
    public async Task<(List<AnomalySensor> Sensors, HourlyPm25 Grid, Dictionary<string, (double Mean, double Limit)> DailyExceedances)> LoadAsync(
        DateOnly day, LocalDays target, LocalDays baseline, CancellationToken cancellationToken)
    {
        var hours = target.Hours;
        var offset = (int)(target.FirstHour - baseline.FirstHour); // where the day starts in the value grid
        var span = offset + hours;

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await HourlyStore.FoldAsync(connection, cancellationToken);
        var sensors = (await connection.QueryAsync<AnomalySensor>(new CommandDefinition(
            "SELECT sensor_id, name, district_id, township_id, latitude, longitude FROM sensors ORDER BY sensor_id", cancellationToken: cancellationToken))).ToList();
        var index = sensors.Select((s, i) => (s.SensorId, i)).ToDictionary(x => x.SensorId, x => x.i, StringComparer.Ordinal);
        var n = sensors.Count;
        var values = new double[n * span];
        Array.Fill(values, double.NaN);
        var readings = new int[n * hours];
        var rows = await connection.QueryAsync<(string SensorId, DateTime Hour, float? Pm25, bool Valid, int Readings)>(new CommandDefinition("""
            SELECT sensor_id, hour_start, CASE WHEN @corrected THEN coalesce(pm25_corrected_ugm3, pm25_ugm3) ELSE pm25_ugm3 END, pm25_valid, pm25_readings
            FROM sensor_hourly_means WHERE hour_start >= @from AND hour_start < @to
            """, new { corrected = Corrected, from = HourlyColumns.HourStart(baseline.FirstHour), to = HourlyColumns.HourStart(target.FirstHour + hours) }, cancellationToken: cancellationToken));
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

        // 15-minute means from the readings themselves, binned as the hourly means are: quarter q holds (start, start + 15 min],
        // so it lies in the hour starting at date_bin('1 hour', start). Corrected, a micro sensor's quarter takes its hour's
        // calibration version and mean humidity (the hour's correction applied to the quarter's mean); raw where the hour has none.
        const int Q = HourlyPm25.QuartersPerHour;
        var quarters = new double[n * span * Q];
        Array.Fill(quarters, double.NaN);
        var (from, to) = (HourlyColumns.HourStart(baseline.FirstHour), HourlyColumns.HourStart(target.FirstHour + hours));
        var quarterRows = await connection.QueryAsync<(string SensorId, DateTime Quarter, double Pm25)>(new CommandDefinition("""
            WITH q AS (
                SELECT sensor_id, date_bin(@width, observed_at - interval '1 microsecond', timestamptz '2000-01-01 00:00:00+00') AS quarter_start, avg(pm25_ugm3)::float8 AS pm25
                FROM sensor_readings
                WHERE observed_at > @from AND observed_at <= @to AND pm25_ugm3 IS NOT NULL
                GROUP BY 1, 2
            )
            SELECT q.sensor_id, q.quarter_start, coalesce(calibrated_pm25(k.method, k.a, k.b, k.c, k.kappa, q.pm25, c.rh_pct::float8), q.pm25)
            FROM q
            LEFT JOIN sensor_hourly_calibrated c ON @corrected AND c.pm25_corrected_ugm3 IS NOT NULL AND c.sensor_id = q.sensor_id
                AND c.hour_start = date_bin('1 hour', q.quarter_start, timestamptz '2000-01-01 00:00:00+00')
            LEFT JOIN sensor_calibrations k ON k.sensor_id = c.sensor_id AND k.version = c.calibration_version
            """, new { width = TimeSpan.FromHours(1) / Q, from, to, corrected = Corrected }, cancellationToken: cancellationToken));
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
        var speed = new double[span];
        Array.Fill(speed, double.NaN);
        foreach (var w in await CityWind.LoadAsync(connection, from, to, cancellationToken))
        {
            wind[(int)(w.Hour - baseline.FirstHour)] = w.FromDeg;
            speed[(int)(w.Hour - baseline.FirstHour)] = w.SpeedMs;
        }

        return (sensors, new HourlyPm25(baseline.FirstHour, span, values, quarters, wind, readings, flat) { WindSpeedMs = speed }, dailyLimits);
    }
}
