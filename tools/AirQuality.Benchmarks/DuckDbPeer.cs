using System.Diagnostics;
using AirQuality.Aggregation;
using AirQuality.Aggregation.Columns;
using AirQuality.Aggregation.Daily;
using AirQuality.Aggregation.Kernels;
using DuckDB.NET.Data;
using Npgsql;

namespace AirQuality.Benchmarks;

/// <summary>
/// The peer an analyst would reach for: an in-process DuckDB holding the same readings as PostgreSQL, timed on the
/// same hourly and daily means, and checked against what the kernel and the refresh computed.
/// </summary>
/// <remarks>
/// DuckDB runs in this process with its default of one thread per core. Local days come from a table mapping each
/// UTC hour to its local day, computed with <see cref="LocalDays.DayOfHour"/>, so that neither database needs its
/// time-zone tables and both assign hours to days exactly as the stage does.
/// </remarks>
sealed class DuckDbPeer : IDisposable
{
    readonly DuckDBConnection _connection = new("DataSource=:memory:");

    public DuckDbPeer() => _connection.Open();

    /// <summary>Loads the readings (with the appender), the sensors' reporting intervals and the hour-to-day map; returns seconds.</summary>
    public double Load(ReadingColumns columns, SensorNetwork network, IReadOnlyList<(long Hour, DateOnly Day)> hourDays)
    {
        var watch = Stopwatch.StartNew();
        Execute($"CREATE TABLE sensor_readings (sensor_id VARCHAR, observed_at TIMESTAMP, {string.Join(", ", Pollutants.All.Select(p => $"{p.Column()} REAL"))})");
        Execute("CREATE TABLE sensors (sensor_id VARCHAR, reporting_interval_s INTEGER)");
        Execute("CREATE TABLE bench_hour_day (hour BIGINT, day DATE)");
        using (var appender = _connection.CreateAppender("sensor_readings"))
        {
            var sensors = columns.Sensor;
            var times = columns.ObservedAtMicros;
            for (var i = 0; i < columns.Length; i++)
            {
                var row = appender.CreateRow().AppendValue(columns.SensorIds[sensors[i]]).AppendValue(ReadingColumns.FromMicros(times[i]));
                for (var p = 0; p < Pollutants.Count; p++)
                {
                    var v = columns.ValueOrNaN((Pollutant)p, i);
                    row = float.IsNaN(v) ? row.AppendNullValue() : row.AppendValue(v);
                }

                row.EndRow();
            }
        }

        using (var appender = _connection.CreateAppender("sensors"))
        {
            for (var s = 0; s < network.SensorIds.Length; s++)
            {
                appender.CreateRow().AppendValue(network.SensorIds[s]).AppendValue(network.ReportingIntervalS[s]).EndRow();
            }
        }

        using (var appender = _connection.CreateAppender("bench_hour_day"))
        {
            foreach (var (hour, day) in hourDays)
            {
                appender.CreateRow().AppendValue(hour).AppendValue(day.ToDateTime(TimeOnly.MinValue)).EndRow();
            }
        }

        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>The hour as <see cref="HourlyReducer.HourOf"/> numbers it: (h, h + 1 hour] since 1970 UTC.</summary>
    public const string HourSql = "(epoch_us(observed_at) - 1) // 3600000000";

    /// <summary>Times <paramref name="sql"/> (a statement that creates a table); returns seconds.</summary>
    public double Time(string sql)
    {
        var watch = Stopwatch.StartNew();
        Execute(sql);
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Checks DuckDB's hourly sums and counts (table <paramref name="table"/>, from <see cref="AggregateBenchmark.HourlySumsSql"/>)
    /// against the kernel's, row for row; throws naming the first difference.
    /// </summary>
    public void CheckHourly(string table, HourlyColumns kernel)
    {
        var rows = new Dictionary<(string, long), int>(kernel.Length);
        for (var r = 0; r < kernel.Length; r++)
        {
            rows[(kernel.SensorIds[kernel.Sensor[r]], kernel.Hour[r])] = r;
        }

        var seen = 0;
        using var command = _connection.CreateCommand();
#pragma warning disable CA2100 // The table name is a constant of the benchmark.
        command.CommandText = $"SELECT * FROM {table}";
#pragma warning restore CA2100
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            seen++;
            var key = (reader.GetString(0), reader.GetInt64(1));
            if (!rows.TryGetValue(key, out var r))
            {
                throw new InvalidOperationException($"DuckDB has an hourly row for {key} that the kernel does not.");
            }

            for (var p = 0; p < Pollutants.Count; p++)
            {
                var sum = reader.IsDBNull(2 + 2 * p) ? 0 : reader.GetDouble(2 + 2 * p);
                var count = reader.GetInt64(3 + 2 * p);
                if (count != kernel.Counts[p][r] || !Close(sum, kernel.Sums[p][r]))
                {
                    throw new InvalidOperationException($"DuckDB's {(Pollutant)p} for {key} is {sum} from {count} readings; the kernel's {kernel.Sums[p][r]} from {kernel.Counts[p][r]}.");
                }
            }
        }

        if (seen != kernel.Length)
        {
            throw new InvalidOperationException($"DuckDB has {seen:N0} hourly rows; the kernel {kernel.Length:N0}.");
        }
    }

    /// <summary>
    /// Checks DuckDB's daily means and valid hours (table <paramref name="table"/>, from <see cref="AggregateBenchmark.DailyMeansSql"/>)
    /// against <c>sensor_daily</c> as the refresh wrote it (real, so to float precision); throws naming the first difference.
    /// </summary>
    public async Task<int> CheckDailyAsync(string table, NpgsqlConnection postgres, CancellationToken cancellationToken)
    {
        var stored = new Dictionary<(string, DateOnly), (float? Mean, int Hours)[]>();
        var select = $"SELECT sensor_id, day, {string.Join(", ", Pollutants.All.Select(p => $"{p.Column()}, {p.Code()}_valid_hours"))} FROM sensor_daily";
#pragma warning disable CA2100 // Built from constants.
        await using (var command = new NpgsqlCommand(select, postgres))
#pragma warning restore CA2100
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var figures = new (float?, int)[Pollutants.Count];
                for (var p = 0; p < Pollutants.Count; p++)
                {
                    figures[p] = (reader.IsDBNull(2 + 2 * p) ? null : reader.GetFloat(2 + 2 * p), reader.GetInt16(3 + 2 * p));
                }

                stored[(reader.GetString(0), reader.GetFieldValue<DateOnly>(1))] = figures;
            }
        }

        var seen = new HashSet<(string, DateOnly)>();
        using var duck = _connection.CreateCommand();
#pragma warning disable CA2100 // The table name is a constant of the benchmark.
        duck.CommandText = $"SELECT * FROM {table}";
#pragma warning restore CA2100
        using var rows = duck.ExecuteReader();
        while (rows.Read())
        {
            var key = (rows.GetString(0), DateOnly.FromDateTime(rows.GetDateTime(1)));
            if (!stored.TryGetValue(key, out var figures))
            {
                throw new InvalidOperationException($"DuckDB has a sensor day {key} that sensor_daily does not.");
            }

            for (var p = 0; p < Pollutants.Count; p++)
            {
                double? mean = rows.IsDBNull(2 + 2 * p) ? null : rows.GetDouble(2 + 2 * p);
                var hours = rows.GetInt64(3 + 2 * p);
                var (storedMean, storedHours) = figures[p];
                if (hours != storedHours || mean.HasValue != storedMean.HasValue || (mean is { } m && Math.Abs((float)m - storedMean!.Value) > 1e-6 * Math.Abs(m)))
                {
                    throw new InvalidOperationException($"DuckDB's daily {(Pollutant)p} for {key} is {mean} over {hours} valid hours; sensor_daily has {storedMean} over {storedHours}.");
                }
            }

            seen.Add(key);
        }

        foreach (var (key, figures) in stored)
        {
            if (!seen.Contains(key) && figures.Any(f => f.Hours > 0))
            {
                throw new InvalidOperationException($"sensor_daily has valid hours for {key}, which DuckDB lacks.");
            }
        }

        return seen.Count;
    }

    public void Dispose() => _connection.Dispose();

    // Sums of one hour's float32 readings in double precision agree to rounding whatever the order of addition.
    static bool Close(double a, double b) => Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Abs(b));

    void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
#pragma warning disable CA2100 // Built by the benchmark from constants.
        command.CommandText = sql;
#pragma warning restore CA2100
        command.ExecuteNonQuery();
    }
}
