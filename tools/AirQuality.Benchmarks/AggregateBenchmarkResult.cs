namespace AirQuality.Benchmarks;

/// <summary>What <see cref="AggregateBenchmark"/> measured, each figure from the same run on the same rows.</summary>
/// <param name="Readings">Readings generated and loaded.</param>
/// <param name="HourlyRows">(sensor, hour) rows they reduce to.</param>
/// <param name="Days">Local days spanned.</param>
/// <param name="ColumnarOneRowsPerSecond">The columnar kernel, PM2.5 only: runs found and summed, readings/s.</param>
/// <param name="ColumnarAllRowsPerSecond">The columnar kernel, all six pollutants with counts and hourly validity, readings/s.</param>
/// <param name="NaiveAllRowsPerSecond">A per-row implementation (an object per reading, a dictionary of hour accumulators), all pollutants, readings/s.</param>
/// <param name="PostgresOneRowsPerSecond">PostgreSQL's hourly GROUP BY of PM2.5 (avg and count) into a table, readings/s.</param>
/// <param name="PostgresAllRowsPerSecond">PostgreSQL's hourly GROUP BY of all six pollutants, readings/s.</param>
/// <param name="CopySeconds">Loading the readings with a plain binary COPY.</param>
/// <param name="RollupSeconds">The work ingest adds to keep sensor_hourly: reduce and append in ingest-sized batches, and fold.</param>
/// <param name="RefreshSeconds">The whole refresh from the hourly sums: read them, daily, district and city figures with AQI for every pollutant, written, then year over year.</param>
/// <param name="SqlRefreshSeconds">The same outputs computed by PostgreSQL with SQL from the raw readings, then the same year over year.</param>
public sealed record AggregateBenchmarkResult(
    long Readings, long HourlyRows, int Days,
    double ColumnarOneRowsPerSecond, double ColumnarAllRowsPerSecond, double NaiveAllRowsPerSecond,
    double PostgresOneRowsPerSecond, double PostgresAllRowsPerSecond,
    double CopySeconds, double RollupSeconds, double RefreshSeconds, double SqlRefreshSeconds)
{
    public double RefreshSpeedup => SqlRefreshSeconds / RefreshSeconds;

    /// <summary>PostgreSQL computing each sensor's daily means and valid hours from the raw readings (<see cref="AggregateBenchmark.DailyMeansSql"/>).</summary>
    public double PostgresDailySeconds { get; init; }

    /// <summary>Loading the readings into the in-process DuckDB with its appender.</summary>
    public double DuckDbLoadSeconds { get; init; }

    /// <summary>DuckDB's hourly GROUP BY of PM2.5 (avg and count) into a table, readings/s.</summary>
    public double DuckDbOneRowsPerSecond { get; init; }

    /// <summary>DuckDB's hourly GROUP BY of all six pollutants, readings/s.</summary>
    public double DuckDbAllRowsPerSecond { get; init; }

    /// <summary>DuckDB running the same daily-means SQL as <see cref="PostgresDailySeconds"/>.</summary>
    public double DuckDbDailySeconds { get; init; }

    /// <summary>Sensor days whose DuckDB means and valid hours were found equal to <c>sensor_daily</c> (its hourly sums equal the kernel's too).</summary>
    public int DuckDbDaysChecked { get; init; }
}
