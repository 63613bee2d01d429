using AirQuality.Aggregation.Calibration;
using AirQuality.Aggregation.Columns;
using AirQuality.Aggregation.Daily;
using AirQuality.Aggregation.Standards;
using Dapper;
using Npgsql;

namespace AirQuality.Aggregation;

/// <summary>
/// The incremental aggregation: recomputes the daily tables for the local days whose hours the ingest worker marked
/// in <c>aggregation_dirty_hours</c>, from the hourly sums, and removes the marks it has dealt with.
/// </summary>
/// <remarks>
/// Each group of days is one transaction: read the marks, read the hourly sums of those days into a dense grid,
/// compute sensor, district and city days, replace those days' rows, delete the marks whose generation is unchanged
/// (a mark renewed meanwhile stays for the next run), record the run. A reading that arrives days late marks its
/// hour, so its day's figures (and any year-over-year figure over it) are corrected on the next run. An advisory
/// lock keeps two runs from working at once. Micro sensors' PM2.5 is their corrected hourly mean where one exists,
/// unless the calibration options (default: corrected) say <see cref="Pm25Flow.Raw"/>; PM2.5 hours whose quality flags
/// exclude them (<see cref="CalibrationOptions.ExcludedFlags"/>) are left out and counted. The flags of the marked hours
/// and two hours either side are brought up to date first, and an hour whose flags changed is marked too.
/// </remarks>
public sealed class Aggregator(NpgsqlDataSource dataSource, AggregationOptions options, TimeProvider time, CalibrationOptions? calibration = null)
{
    const long LockKey = 0x41495251_41474752; // "AIRQAGGR"

    /// <summary>Recomputes every marked day, <see cref="AggregationOptions.DaysPerTransaction"/> at a time; reports each group done.</summary>
    public async Task<AggregationResult> RunAsync(Action<AggregationResult>? progress, CancellationToken cancellationToken)
    {
        var total = AggregationResult.None;
        // The ingest worker's latest hourly sums, and their dirty marks, may still be staged.
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await HourlyStore.FoldAsync(connection, cancellationToken);
            // New hours of micro sensors get their corrected value (and humidity) before their days are read.
            await SensorCalibrator.ApplyToMarkedHoursAsync(connection, cancellationToken);
            // Then their quality flags, which may mark more hours (a flat line reaching into the day before).
            await SensorCalibrator.ApplyFlagsToMarkedHoursAsync(connection, cancellationToken);
        }

        while (true)
        {
            var done = await RunOnceAsync(cancellationToken);
            if (done.Days == 0)
            {
                return total;
            }

            total = total.Add(done);
            progress?.Invoke(done);
        }
    }

    /// <summary>Marks every hour of local days <paramref name="first"/> to <paramref name="last"/> dirty, so the next run recomputes them.</summary>
    public async Task MarkDaysAsync(DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var days = new LocalDays(first, last, options.Zone);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO aggregation_dirty_hours AS d (hour_start)
            SELECT generate_series(@from, @to, interval '1 hour')
            ON CONFLICT (hour_start) DO UPDATE SET generation = d.generation + 1
            """, new { from = HourlyColumns.HourStart(days.FirstHour), to = HourlyColumns.HourStart(days.FirstHour + days.Hours - 1) }, cancellationToken: cancellationToken));
    }

    async Task<AggregationResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@LockKey)", new { LockKey }, transaction, cancellationToken: cancellationToken));
        var marks = (await connection.QueryAsync<(DateTime Hour, long Generation)>(new CommandDefinition(
            "SELECT hour_start, generation FROM aggregation_dirty_hours ORDER BY hour_start", transaction: transaction, cancellationToken: cancellationToken))).ToList();
        if (marks.Count == 0)
        {
            return AggregationResult.None;
        }

        var zone = options.Zone;
        var marked = marks.Select(m => (m.Hour, m.Generation, Day: LocalDays.DayOfHour(HourlyColumns.HourOf(m.Hour), zone))).ToList();
        var firstDay = marked[0].Day;
        var lastDay = marked.Select(m => m.Day).Where(d => d.DayNumber - firstDay.DayNumber < options.DaysPerTransaction).Max();
        var days = marked.Select(m => m.Day).Where(d => d >= firstDay && d <= lastDay).Distinct().Order().ToList();

        var network = await SensorNetwork.LoadAsync(connection, cancellationToken);
        var catalog = await StandardCatalog.LoadAsync(connection, cancellationToken);
        var grid = new HourlyGrid(network, new LocalDays(firstDay, lastDay, zone));
        var settings = calibration ?? new CalibrationOptions();
        await grid.LoadAsync(connection, settings.Pm25 == Pm25Flow.Corrected, cancellationToken);
        var sensorDays = DailyCalculator.SensorDays(grid, catalog, settings.ExcludedFlags);
        var districtDays = DailyCalculator.AreaDays(sensorDays, network, AreaLevel.District, catalog);
        var cityDays = DailyCalculator.AreaDays(sensorDays, network, AreaLevel.City, catalog);
        // Days in the range that nobody marked are recomputed too (cheaper than a second read); their rows come out the same.
        foreach (var figures in new[] { sensorDays, districtDays, cityDays })
        {
            await DailyStore.ReplaceAsync(connection, figures, cancellationToken);
        }

        var handled = marked.Where(m => m.Day >= firstDay && m.Day <= lastDay).ToList();
        await connection.ExecuteAsync(new CommandDefinition("""
            DELETE FROM aggregation_dirty_hours d
            USING unnest(@hours, @generations) AS m(hour_start, generation)
            WHERE d.hour_start = m.hour_start AND d.generation = m.generation
            """, new { hours = handled.Select(m => m.Hour).ToArray(), generations = handled.Select(m => m.Generation).ToArray() }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO aggregation_runs (started_at, finished_at, time_zone, days, first_day, last_day, hourly_rows, sensor_days)
            VALUES (@started, now(), @zone, @days, @firstDay, @lastDay, @rows, @sensorDays)
            """, new { started, zone = zone.Id, days = days.Count, firstDay, lastDay, rows = grid.RowsRead, sensorDays = (long)sensorDays.Length }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return new AggregationResult(lastDay.DayNumber - firstDay.DayNumber + 1, firstDay, lastDay, grid.RowsRead, sensorDays.Length, grid.UnregisteredRows);
    }
}
