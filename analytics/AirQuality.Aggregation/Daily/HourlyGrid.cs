using AirQuality.Aggregation.Columns;
using Npgsql;

namespace AirQuality.Aggregation.Daily;

/// <summary>
/// Hourly sums and counts for every sensor of a <see cref="SensorNetwork"/> over some <see cref="LocalDays"/>, as dense
/// columns: cell <c>sensor * Hours + hour</c> of each pollutant's array, zero where nothing was stored.
/// </summary>
public sealed class HourlyGrid
{
    /// <summary><see cref="HourlyStore.SumColumns"/> with the PM2.5 sum taken from the corrected hourly mean where there is one.</summary>
    static readonly string CorrectedSumColumns =
        HourlyStore.SumColumns.Replace("pm25_sum", "coalesce(c.pm25_corrected_ugm3::float8 * h.pm25_readings, h.pm25_sum)", StringComparison.Ordinal);

    public HourlyGrid(SensorNetwork network, LocalDays days)
    {
        Network = network;
        Days = days;
        var cells = checked(network.SensorIds.Length * days.Hours);
        Sums = new double[Pollutants.Count][];
        Counts = new int[Pollutants.Count][];
        for (var p = 0; p < Pollutants.Count; p++)
        {
            Sums[p] = new double[cells];
            Counts[p] = new int[cells];
        }

        Pm25Flags = new int[cells];
        Pm25CalibrationVersion = new int[cells];
    }

    public SensorNetwork Network { get; }

    public LocalDays Days { get; }

    public int Hours => Days.Hours;

    public double[][] Sums { get; }

    public int[][] Counts { get; }

    /// <summary>Per cell: the hour's quality flags (<c>sensor_hour_flags</c>, migration 0022; the bits of <c>sensor_hour_quality</c>), 0 when none.</summary>
    public int[] Pm25Flags { get; }

    /// <summary>Per cell: the <c>sensor_calibrations</c> version whose corrected mean the PM2.5 sum holds, 0 when it holds the raw mean.</summary>
    public int[] Pm25CalibrationVersion { get; }

    /// <summary>Rows read for sensors that are not in the registry (left out of every figure).</summary>
    public long UnregisteredRows { get; private set; }

    /// <summary>Rows read from the database.</summary>
    public long RowsRead { get; private set; }

    /// <summary>Adds hourly partials (from the database or straight from a reduction) to the cells they belong to.</summary>
    public void Add(HourlyColumns hourly)
    {
        var map = hourly.SensorIds.Select(Network.SensorIndex).ToArray();
        for (var i = 0; i < hourly.Length; i++)
        {
            if (Cell(map[hourly.Sensor[i]], hourly.Hour[i]) is var cell and >= 0)
            {
                for (var p = 0; p < Pollutants.Count; p++)
                {
                    Sums[p][cell] += hourly.Sums[p][i];
                    Counts[p][cell] += hourly.Counts[p][i];
                }
            }
        }
    }

    /// <summary>
    /// Reads <c>sensor_hourly</c> for the grid's hours (binary results, straight into the arrays); with
    /// <paramref name="correctedPm25"/>, a micro sensor's PM2.5 sum is its corrected hourly mean times its readings
    /// where <c>sensor_hourly_calibrated</c> has one (migration 0019), so the daily figures average corrected hours.
    /// Each cell also gets its quality flags and the calibration version behind its PM2.5 (migration 0022).
    /// </summary>
    public async Task LoadAsync(NpgsqlConnection connection, bool correctedPm25, CancellationToken cancellationToken)
    {
        // sensor_hourly_calibrated and sensor_hour_flags have none of sensor_hourly's sum columns, so the names stay unambiguous either way.
        var columns = correctedPm25 ? CorrectedSumColumns : HourlyStore.SumColumns;
        var sql = $"""
            SELECT h.sensor_id, h.hour_start, {columns}, coalesce(f.flags, 0),
                   CASE WHEN c.pm25_corrected_ugm3 IS NOT NULL THEN c.calibration_version ELSE 0 END
            FROM sensor_hourly h LEFT JOIN sensor_hourly_calibrated c USING (sensor_id, hour_start)
            LEFT JOIN sensor_hour_flags f USING (sensor_id, hour_start)
            WHERE h.hour_start >= $1 AND h.hour_start < $2
            """;
#pragma warning disable CA2100 // Column names are constants; the hours are parameters.
        await using var command = new NpgsqlCommand(sql, connection)
        {
            Parameters =
            {
                new() { Value = HourlyColumns.HourStart(Days.FirstHour) },
                new() { Value = HourlyColumns.HourStart(Days.FirstHour + Hours) },
            },
        };
#pragma warning restore CA2100
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        string? lastId = null;
        var sensor = -1;
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetString(0);
            if (id != lastId)
            {
                lastId = id;
                sensor = Network.SensorIndex(id);
            }

            if (Cell(sensor, HourlyColumns.HourOf(reader.GetFieldValue<DateTime>(1))) is var cell and >= 0)
            {
                for (var p = 0; p < Pollutants.Count; p++)
                {
                    Sums[p][cell] += reader.GetDouble(2 + 2 * p);
                    Counts[p][cell] += reader.GetInt32(3 + 2 * p);
                }

                Pm25Flags[cell] = reader.GetInt32(2 + 2 * Pollutants.Count);
                // Under Raw the sum is the raw mean's, whatever the hour's correction.
                Pm25CalibrationVersion[cell] = correctedPm25 ? reader.GetInt32(3 + 2 * Pollutants.Count) : 0;
            }
        }
    }

    /// <summary>The cell of a sensor's hour, or -1 (counted) for an unregistered sensor or an hour outside the grid.</summary>
    int Cell(int sensor, long hour)
    {
        RowsRead++;
        if (sensor < 0)
        {
            UnregisteredRows++;
            return -1;
        }

        var h = hour - Days.FirstHour;
        return h >= 0 && h < Hours ? sensor * Hours + (int)h : -1;
    }
}
