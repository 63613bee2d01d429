using AirQuality.Aggregation.Columns;
using AirQuality.Storage.Registry;
using Dapper;
using Npgsql;

namespace AirQuality.Aggregation.Calibration;

/// <summary>
/// Fits every micro sensor's PM2.5 correction against the national stations near it over a rolling window, stores
/// each fit as a new version in <c>sensor_calibrations</c>, and keeps <c>sensor_hourly_calibrated</c> up to date
/// (through <c>apply_sensor_calibrations()</c>, which marks the hours whose corrected value changed).
/// </summary>
/// <remarks>
/// A version applies from the end of the sensor's previous fit that ended within the new window (so a daily re-fit
/// recomputes the last day, not the whole window), or from the window's start for a first fit. Humidity is the
/// sensor's own: the hourly mean of its readings' <c>relative_humidity_pct</c>; an hour without it is neither fitted
/// nor corrected.
/// </remarks>
public sealed class SensorCalibrator(NpgsqlDataSource dataSource, CalibrationOptions options, TimeProvider time)
{
    const long LockKey = 0x41495251_43414C49; // "AIRQCALI"

    /// <summary>Seconds a statement over a whole window (28 days of every micro sensor's readings) may take; Npgsql's 30 s default is for the ingest's short statements.</summary>
    const int WindowCommandTimeoutS = 1800;

    /// <summary>Fits over the window ending at the start of the current UTC hour.</summary>
    public Task<CalibrationRun> RefitAsync(CancellationToken cancellationToken) =>
        RefitAsync(HourlyColumns.HourStart(HourlyColumns.HourOf(time.GetUtcNow().UtcDateTime)), cancellationToken);

    /// <summary>Whether the latest fit's window ended at least <see cref="CalibrationOptions.RefitEvery"/> ago (or there is none).</summary>
    public async Task<bool> RefitDueAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var latest = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
            "SELECT max(window_to) FROM sensor_calibrations", cancellationToken: cancellationToken));
        return latest is not { } l || time.GetUtcNow().UtcDateTime - l >= options.RefitEvery;
    }

    /// <summary>Fits every micro sensor on the hours in [<paramref name="windowTo"/> − Window, <paramref name="windowTo"/>) and applies the new versions.</summary>
    public async Task<CalibrationRun> RefitAsync(DateTime windowTo, CancellationToken cancellationToken)
    {
        windowTo = DateTime.SpecifyKind(windowTo, DateTimeKind.Utc);
        var windowFrom = windowTo - options.Window;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await HourlyStore.FoldAsync(connection, cancellationToken);
        var sensors = (await connection.QueryAsync<(string Id, string Kind, double Latitude, double Longitude)>(new CommandDefinition(
            "SELECT sensor_id, kind, latitude, longitude FROM sensors ORDER BY sensor_id", cancellationToken: cancellationToken))).ToList();
        var stations = sensors.Where(s => s.Kind == "national_station").ToList();
        var micro = sensors.Where(s => s.Kind == "micro_sensor").ToList();
        Dictionary<string, string[]> StationsWithin(double km) => micro.ToDictionary(m => m.Id, m => stations
            .Where(s => Geo.DistanceMetres(m.Latitude, m.Longitude, s.Latitude, s.Longitude) <= km * 1000).Select(s => s.Id).ToArray());
        var near = StationsWithin(options.MaxDistanceKm);
        var colocated = StationsWithin(options.OwnModelMaxDistanceKm);

        var reference = new Dictionary<(string Station, long Hour), double>();
        foreach (var (id, hour, pm25) in await connection.QueryAsync<(string, DateTime, double)>(new CommandDefinition("""
            SELECT m.sensor_id, m.hour_start, m.pm25_ugm3::float8 FROM sensor_hourly_means m JOIN sensors s USING (sensor_id)
            WHERE s.kind = 'national_station' AND m.pm25_valid AND m.hour_start >= @windowFrom AND m.hour_start < @windowTo
            """, new { windowFrom, windowTo }, commandTimeout: WindowCommandTimeoutS, cancellationToken: cancellationToken)))
        {
            reference[(id, HourlyColumns.HourOf(hour))] = pm25;
        }

        var hours = (await connection.QueryAsync<(string Id, DateTime Hour, double Raw, double Rh)>(new CommandDefinition("""
            WITH humidity AS (
                SELECT r.sensor_id, date_bin('1 hour', r.observed_at - interval '1 microsecond', timestamptz '2000-01-01 00:00:00+00') AS hour_start,
                       avg(r.relative_humidity_pct::float8) AS rh
                FROM sensor_readings r
                WHERE r.observed_at > @windowFrom AND r.observed_at <= @windowTo AND r.relative_humidity_pct IS NOT NULL
                  AND r.sensor_id IN (SELECT sensor_id FROM sensors WHERE kind = 'micro_sensor')
                GROUP BY 1, 2
            )
            SELECT m.sensor_id, m.hour_start, m.pm25_ugm3::float8, h.rh
            FROM sensor_hourly_means m JOIN sensors s USING (sensor_id) JOIN humidity h USING (sensor_id, hour_start)
            WHERE s.kind = 'micro_sensor' AND m.pm25_valid AND m.hour_start >= @windowFrom AND m.hour_start < @windowTo
            """, new { windowFrom, windowTo }, commandTimeout: WindowCommandTimeoutS, cancellationToken: cancellationToken))).ToList();

        // Each hour paired with the mean of the given stations' valid hourly means, where any has one.
        Dictionary<string, List<CalibrationSample>> PairedWith(Dictionary<string, string[]> stationsOf)
        {
            var paired = micro.ToDictionary(m => m.Id, _ => new List<CalibrationSample>());
            foreach (var (id, hour, raw, rh) in hours)
            {
                var h = HourlyColumns.HourOf(hour);
                double sum = 0;
                var count = 0;
                foreach (var station in stationsOf[id])
                {
                    if (reference.TryGetValue((station, h), out var value))
                    {
                        sum += value;
                        count++;
                    }
                }

                if (count > 0)
                {
                    paired[id].Add(new CalibrationSample(raw, rh, sum / count, (int)(h / 24)));
                }
            }

            return paired;
        }

        var samples = PairedWith(near);
        var own = new Dictionary<string, CalibrationFit>();
        foreach (var (id, list) in PairedWith(colocated))
        {
            if (list.Count >= options.MinHours && CalibrationFitter.Fit(list, options.Folds) is { } fit)
            {
                own[id] = fit;
            }
        }

        var pooled = samples.Values.SelectMany(s => s).ToList();
        var network = CalibrationFitter.Fit(pooled, options.Folds);
        var networkStations = samples.Where(s => s.Value.Count > 0).SelectMany(s => near[s.Key]).Distinct().Order(StringComparer.Ordinal).ToArray();

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@LockKey)", new { LockKey }, transaction, cancellationToken: cancellationToken));
        var previous = (await connection.QueryAsync<(string Id, int Version, DateTime? EndedWithin)>(new CommandDefinition("""
            SELECT sensor_id, max(version), max(window_to) FILTER (WHERE window_to > @windowFrom AND window_to <= @windowTo)
            FROM sensor_calibrations GROUP BY sensor_id
            """, new { windowFrom, windowTo }, transaction, cancellationToken: cancellationToken))).ToDictionary(p => p.Id);
        var rows = new List<object>();
        var fitted = new List<(string Id, int Version)>();
        foreach (var (id, _, _, _) in micro)
        {
            var (fit, scope, used) = own.TryGetValue(id, out var f) ? (f, "sensor", colocated[id]) : (network, "network", networkStations);
            if (fit is null)
            {
                continue;
            }

            previous.TryGetValue(id, out var p);
            var validFrom = p.EndedWithin ?? windowFrom;
            fitted.Add((id, p.Version + 1));
            rows.Add(new
            {
                sensorId = id, version = p.Version + 1, validFrom, method = fit.Model.Method.Code(), scope,
                a = fit.Model.Method == CalibrationMethod.LinearRh ? fit.Model.A : (double?)null,
                b = fit.Model.Method == CalibrationMethod.LinearRh ? fit.Model.B : (double?)null,
                c = fit.Model.Method == CalibrationMethod.LinearRh ? fit.Model.C : (double?)null,
                kappa = fit.Model.Method == CalibrationMethod.Hygroscopic ? fit.Model.Kappa : (double?)null,
                windowFrom, windowTo, hours = fit.Hours, r2 = double.IsNaN(fit.R2) ? (double?)null : fit.R2, rmse = fit.Rmse, cv = fit.CvRmse,
                cvLinear = fit.CvRmseLinear, cvHygroscopic = fit.CvRmseHygroscopic, raw = fit.RawRmse, stations = used,
            });
        }

        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO sensor_calibrations (sensor_id, version, valid_from, method, scope, a, b, c, kappa, window_from, window_to, n_hours,
                                             r2, rmse_ugm3, cv_rmse_ugm3, cv_rmse_linear_ugm3, cv_rmse_hygroscopic_ugm3, raw_rmse_ugm3, stations, humidity_source)
            VALUES (@sensorId, @version, @validFrom, @method, @scope, @a, @b, @c, @kappa, @windowFrom, @windowTo, @hours,
                    @r2, @rmse, @cv, @cvLinear, @cvHygroscopic, @raw, @stations, 'sensor')
            """, rows, transaction, cancellationToken: cancellationToken));
        await SetDriftBaselineAsync(connection, transaction, windowFrom, windowTo, fitted, cancellationToken);

        // Each new version takes over from its valid_from; the hours whose corrected value moved are marked dirty.
        long marked = 0;
        foreach (var group in micro.Select(m => m.Id).Where(id => own.ContainsKey(id) || network is not null)
                     .GroupBy(id => previous.TryGetValue(id, out var p) && p.EndedWithin is { } e ? e : windowFrom))
        {
            marked += await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT apply_sensor_calibrations(@from, 'infinity', @sensors)", new { from = group.Key, sensors = group.ToArray() }, transaction,
                commandTimeout: WindowCommandTimeoutS, cancellationToken: cancellationToken));
            // A new version can clear calibration_expired (and move the drift flag) from its valid_from on.
            marked += await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT apply_sensor_hour_flags(@from, 'infinity', @sensors)", new { from = group.Key, sensors = group.ToArray() }, transaction,
                commandTimeout: WindowCommandTimeoutS, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        var chosen = micro.Select(m => own.TryGetValue(m.Id, out var f) ? f : network).OfType<CalibrationFit>().ToList();
        return new CalibrationRun(windowFrom, windowTo, own.Count, network is null ? 0 : micro.Count - own.Count, network is null ? micro.Count - own.Count : 0,
            chosen.Count(f => f.Model.Method == CalibrationMethod.LinearRh), chosen.Count(f => f.Model.Method == CalibrationMethod.Hygroscopic), network, marked);
    }

    /// <summary>
    /// The drift flag's baseline (migration 0023) for each new version: over its window, the hours in which the sensor has a
    /// valid raw hourly mean and at least 2 other sensors within 2 km have one (their median from
    /// <c>sensor_neighbour_medians</c>, the same reference as <c>sensor_hour_quality</c>'s), the sum of its means over the
    /// sum of the medians and the mean difference; ratio and offset stay NULL with fewer than 24 such hours.
    /// </summary>
    /// <remarks>Joined here rather than in SQL: PostgreSQL planned the view joined to the medians' aggregate so badly that a fit of the shipped city took minutes.</remarks>
    static async Task SetDriftBaselineAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DateTime windowFrom, DateTime windowTo,
        List<(string Id, int Version)> fitted, CancellationToken cancellationToken)
    {
        const int MinPairedHours = 24;
        var medians = new Dictionary<(string, DateTime), double>();
        foreach (var (id, hour, median) in await connection.QueryAsync<(string, DateTime, double)>(new CommandDefinition(
            "SELECT sensor_id, hour_start, median FROM sensor_neighbour_medians(@windowFrom, @windowTo) WHERE n >= 2",
            new { windowFrom, windowTo }, transaction, commandTimeout: WindowCommandTimeoutS, cancellationToken: cancellationToken)))
        {
            medians[(id, hour)] = median;
        }

        var sums = new Dictionary<string, (int N, double Sensor, double Reference)>();
        foreach (var (id, hour, pm25) in await connection.QueryAsync<(string, DateTime, double)>(new CommandDefinition("""
            SELECT m.sensor_id, m.hour_start, m.pm25_ugm3::float8 FROM sensor_hourly_means m JOIN sensors s USING (sensor_id)
            WHERE s.kind = 'micro_sensor' AND m.pm25_valid AND m.hour_start >= @windowFrom AND m.hour_start < @windowTo
            """, new { windowFrom, windowTo }, transaction, commandTimeout: WindowCommandTimeoutS, cancellationToken: cancellationToken)))
        {
            if (medians.TryGetValue((id, hour), out var median))
            {
                var (n, sensor, reference) = sums.GetValueOrDefault(id);
                sums[id] = (n + 1, sensor + pm25, reference + median);
            }
        }

        var rows = fitted.Select(f =>
        {
            var (n, sensor, reference) = sums.GetValueOrDefault(f.Id);
            var enough = n >= MinPairedHours && reference > 0;
            return (f.Id, f.Version, Hours: n, Ratio: enough ? sensor / reference : (double?)null, Offset: enough ? (sensor - reference) / n : (double?)null);
        }).ToList();
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE sensor_calibrations k SET reference_hours = u.hours, reference_ratio = u.ratio, reference_offset_ugm3 = u.offset_ugm3
            FROM unnest(@ids, @versions, @hours, @ratios, @offsets) AS u(sensor_id, version, hours, ratio, offset_ugm3)
            WHERE k.sensor_id = u.sensor_id AND k.version = u.version
            """, new
        {
            ids = rows.Select(r => r.Id).ToArray(), versions = rows.Select(r => r.Version).ToArray(), hours = rows.Select(r => r.Hours).ToArray(),
            ratios = rows.Select(r => r.Ratio).ToArray(), offsets = rows.Select(r => r.Offset).ToArray(),
        }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Brings <c>sensor_hourly_calibrated</c> up to date for the hours marked in <c>aggregation_dirty_hours</c> (new
    /// readings), before the aggregation reads them; does nothing while no calibration exists.
    /// </summary>
    public static async Task ApplyToMarkedHoursAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT EXISTS (SELECT 1 FROM sensor_calibrations)", cancellationToken: cancellationToken)))
        {
            return;
        }

        var hours = (await connection.QueryAsync<DateTime>(new CommandDefinition(
            "SELECT hour_start FROM aggregation_dirty_hours ORDER BY hour_start", cancellationToken: cancellationToken))).Select(HourlyColumns.HourOf).ToList();
        // Runs of consecutive hours, so the humidity is read from the readings of the marked hours only.
        for (var i = 0; i < hours.Count;)
        {
            var j = i;
            while (j + 1 < hours.Count && hours[j + 1] == hours[j] + 1)
            {
                j++;
            }

            await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT apply_sensor_calibrations(@from, @to)",
                new { from = HourlyColumns.HourStart(hours[i]), to = HourlyColumns.HourStart(hours[j] + 1) }, commandTimeout: WindowCommandTimeoutS, cancellationToken: cancellationToken));
            i = j + 1;
        }
    }

    /// <summary>
    /// Brings <c>sensor_hour_flags</c> up to date for the hours marked in <c>aggregation_dirty_hours</c> and the two
    /// hours either side (a changed hour can start or end a flat line there, or a jump in the next hour), marking any
    /// further hour whose flags changed, so the daily figures leave out and count the flags as they now are.
    /// </summary>
    public static async Task ApplyFlagsToMarkedHoursAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        const int Reach = 2;
        var hours = (await connection.QueryAsync<DateTime>(new CommandDefinition(
            "SELECT hour_start FROM aggregation_dirty_hours ORDER BY hour_start", cancellationToken: cancellationToken))).Select(HourlyColumns.HourOf).ToList();
        for (var i = 0; i < hours.Count;)
        {
            var j = i;
            while (j + 1 < hours.Count && hours[j + 1] <= hours[j] + 2 * Reach + 1)
            {
                j++;
            }

            await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT apply_sensor_hour_flags(@from, @to)",
                new { from = HourlyColumns.HourStart(hours[i] - Reach), to = HourlyColumns.HourStart(hours[j] + Reach + 1) }, commandTimeout: WindowCommandTimeoutS, cancellationToken: cancellationToken));
            i = j + 1;
        }
    }
}
