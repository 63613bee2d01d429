using Npgsql;
using NpgsqlTypes;

namespace AirQuality.Aggregation.Daily;

/// <summary>Writes <see cref="DailyFigures"/> to <c>sensor_daily</c>, <c>district_daily</c> or <c>city_daily</c>.</summary>
public static class DailyStore
{
    delegate void ColumnWriter(NpgsqlBinaryImporter importer, DailyFigures figures, int row);

    public static string Table(AreaLevel level) => level switch
    {
        AreaLevel.Sensor => "sensor_daily",
        AreaLevel.District => "district_daily",
        _ => "city_daily",
    };

    /// <summary>
    /// Replaces the rows of the figures' days with the figures (an upsert of whole days: every area of a recomputed
    /// day is written, so nothing stale survives), on <paramref name="connection"/> in its current transaction.
    /// </summary>
    public static async Task ReplaceAsync(NpgsqlConnection connection, DailyFigures figures, CancellationToken cancellationToken)
    {
        var table = Table(figures.Level);
        var days = figures.Day.Distinct().ToArray();
#pragma warning disable CA2100 // The table name is one of three constants.
        await using (var delete = new NpgsqlCommand($"DELETE FROM {table} WHERE day = ANY($1)", connection) { Parameters = { new() { Value = days } } })
#pragma warning restore CA2100
        {
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        var columns = Columns(figures.Level);
        await using var importer = await connection.BeginBinaryImportAsync(
            $"COPY {table} ({string.Join(", ", columns.Select(c => c.Name))}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        for (var row = 0; row < figures.Length; row++)
        {
            importer.StartRow();
            foreach (var (_, write) in columns)
            {
                write(importer, figures, row);
            }
        }

        await importer.CompleteAsync(cancellationToken);
    }

    static List<(string Name, ColumnWriter Write)> Columns(AreaLevel level)
    {
        var columns = new List<(string, ColumnWriter)>();
        switch (level)
        {
            case AreaLevel.Sensor:
                columns.Add(("sensor_id", (i, f, r) => i.Write(f.AreaId[r], NpgsqlDbType.Text)));
                columns.Add(("day", (i, f, r) => i.Write(f.Day[r], NpgsqlDbType.Date)));
                columns.Add(("district_id", (i, f, r) => i.Write(f.DistrictId[r], NpgsqlDbType.Text)));
                break;
            case AreaLevel.District:
                columns.Add(("district_id", (i, f, r) => i.Write(f.AreaId[r], NpgsqlDbType.Text)));
                columns.Add(("day", (i, f, r) => i.Write(f.Day[r], NpgsqlDbType.Date)));
                columns.Add(("sensors", (i, f, r) => i.Write(f.Sensors[r], NpgsqlDbType.Integer)));
                break;
            default:
                columns.Add(("day", (i, f, r) => i.Write(f.Day[r], NpgsqlDbType.Date)));
                columns.Add(("sensors", (i, f, r) => i.Write(f.Sensors[r], NpgsqlDbType.Integer)));
                break;
        }

        foreach (var p in Pollutants.All)
        {
            if (p == Pollutant.O3 && level != AreaLevel.Sensor)
            {
                continue; // areas carry O3 as its daily 8-hour maximum only
            }

            var k = (int)p;
            columns.Add((p.Column(), (i, f, r) => Real(i, f.Mean[k][r])));
            if (level == AreaLevel.Sensor)
            {
                columns.Add(($"{p.Code()}_valid_hours", (i, f, r) => i.Write(f.Support[k][r], NpgsqlDbType.Smallint)));
            }
            else
            {
                columns.Add(($"{p.Code()}_sensors", (i, f, r) => i.Write((int)f.Support[k][r], NpgsqlDbType.Integer)));
            }

            columns.Add(($"{p.Code()}_valid", (i, f, r) => i.Write(f.Valid[k][r], NpgsqlDbType.Boolean)));
        }

        columns.Add(("o3_8h_max_ugm3", (i, f, r) => Real(i, f.O3EightHourMax[r])));
        columns.Add(level == AreaLevel.Sensor
            ? ("o3_8h_valid_windows", (i, f, r) => i.Write(f.O3EightHourSupport[r], NpgsqlDbType.Smallint))
            : ("o3_8h_sensors", (i, f, r) => i.Write((int)f.O3EightHourSupport[r], NpgsqlDbType.Integer)));
        columns.Add(("o3_8h_valid", (i, f, r) => i.Write(f.O3EightHourValid[r], NpgsqlDbType.Boolean)));
        columns.Add(("o3_1h_max_ugm3", (i, f, r) => Real(i, f.O3OneHourMax[r])));
        if (level == AreaLevel.Sensor)
        {
            columns.Add(("expected_readings", (i, f, r) => i.Write(f.ExpectedReadings[r], NpgsqlDbType.Integer)));
            columns.Add(("pm25_readings", (i, f, r) => i.Write(f.Pm25Readings[r], NpgsqlDbType.Integer)));
        }

        columns.Add(("aqi", (i, f, r) => SmallintOrNull(i, f.Aqi[r])));
        columns.Add(("aqi_category", (i, f, r) => TextOrNull(i, f.Category[r])));
        columns.Add(("primary_pollutants", (i, f, r) =>
        {
            if (f.PrimaryPollutants[r] is { } primary)
            {
                i.Write(primary, NpgsqlDbType.Array | NpgsqlDbType.Text);
            }
            else
            {
                i.WriteNull();
            }
        }));
        foreach (var p in Pollutants.All)
        {
            var k = (int)p;
            columns.Add(($"{p.Code()}_iaqi", (i, f, r) => SmallintOrNull(i, f.Iaqi[k][r])));
        }

        columns.Add(("pm25_limit_ugm3", (i, f, r) => Real(i, f.Pm25Limit[r])));
        columns.Add(("pm25_exceeds_limit", (i, f, r) =>
        {
            if (f.Pm25Exceeds[r] < 0)
            {
                i.WriteNull();
            }
            else
            {
                i.Write(f.Pm25Exceeds[r] == 1, NpgsqlDbType.Boolean);
            }
        }));
        columns.Add(("standard_version", (i, f, r) => i.Write(f.Standard[r], NpgsqlDbType.Text)));
        if (level == AreaLevel.Sensor)
        {
            columns.Add(("pm25_corrected_hours", (i, f, r) => i.Write((short)f.Pm25CorrectedHours[r], NpgsqlDbType.Smallint)));
            columns.Add(("calibration_versions", (i, f, r) => i.Write(f.CalibrationVersions[r] ?? [], NpgsqlDbType.Array | NpgsqlDbType.Integer)));
            columns.Add(("pm25_excluded_hours", (i, f, r) => i.Write((short)f.Pm25ExcludedHours[r], NpgsqlDbType.Smallint)));
            columns.Add(("pm25_flagged_hours", (i, f, r) => i.Write((short)f.Pm25FlaggedHours[r], NpgsqlDbType.Smallint)));
        }
        else
        {
            columns.Add(("pm25_corrected_hours", (i, f, r) => i.Write(f.Pm25CorrectedHours[r], NpgsqlDbType.Integer)));
            columns.Add(("pm25_excluded_hours", (i, f, r) => i.Write(f.Pm25ExcludedHours[r], NpgsqlDbType.Integer)));
            columns.Add(("pm25_flagged_hours", (i, f, r) => i.Write(f.Pm25FlaggedHours[r], NpgsqlDbType.Integer)));
        }

        return columns;
    }

    static void Real(NpgsqlBinaryImporter importer, double value)
    {
        if (double.IsNaN(value))
        {
            importer.WriteNull();
        }
        else
        {
            importer.Write((float)value, NpgsqlDbType.Real);
        }
    }

    static void SmallintOrNull(NpgsqlBinaryImporter importer, short value)
    {
        if (value < 0)
        {
            importer.WriteNull();
        }
        else
        {
            importer.Write(value, NpgsqlDbType.Smallint);
        }
    }

    static void TextOrNull(NpgsqlBinaryImporter importer, string? value)
    {
        if (value is null)
        {
            importer.WriteNull();
        }
        else
        {
            importer.Write(value, NpgsqlDbType.Text);
        }
    }
}
