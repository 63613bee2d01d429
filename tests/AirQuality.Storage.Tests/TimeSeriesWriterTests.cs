using AirQuality.Contracts;
using AirQuality.Storage;
using AirQuality.Storage.Registry;
using AirQuality.Tests.Support;
using Dapper;
using Npgsql;
using Xunit;

namespace AirQuality.Storage.Tests;

public sealed class TimeSeriesWriterTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    static readonly DateTimeOffset T0 = new(2026, 6, 30, 8, 0, 0, TimeSpan.Zero);

    async Task<NpgsqlDataSource> DatabaseWithRegistryAsync(string timescale)
    {
        var db = await postgres.NewDatabaseAsync(timescale);
        await new RegistryStore(db).UpsertAsync(TestRegistry.Shipped(), CancellationToken.None);
        return db;
    }

    [Theory]
    [InlineData("off")]
    [TimescaleInlineData("auto")]
    public async Task A_repeated_reading_is_counted_as_a_duplicate_and_stored_once(string timescale)
    {
        await using var db = await DatabaseWithRegistryAsync(timescale);
        await using var connection = await db.OpenConnectionAsync();
        var writer = new TimeSeriesWriter();
        var batch = new[]
        {
            new SensorReading("S0001", T0, 31.2, Pm10: 50.5, Co: 0.8, WindDirection: 270),
            new SensorReading("S0002", T0, 12),
            new SensorReading("S0002", T0, 99), // the same key again inside one batch: the first wins
        };

        var (first, _) = await writer.WriteAsync(connection, batch, [], CancellationToken.None);
        var (second, _) = await writer.WriteAsync(connection, batch[..2], [], CancellationToken.None);

        Assert.Equal(new WriteResult(2, 1), first);
        Assert.Equal(new WriteResult(0, 2), second);
        var rows = (await connection.QueryAsync<(string SensorId, float Pm25, float? Pm10, float? Co, float? WindDirectionDeg)>(
            "SELECT sensor_id, pm25_ugm3, pm10_ugm3, co_mgm3, wind_direction_deg FROM sensor_readings ORDER BY sensor_id")).ToList();
        Assert.Equal([("S0001", 31.2f, (float?)50.5f, (float?)0.8f, (float?)270f), ("S0002", 12f, null, null, null)], rows);
    }

    [Theory]
    [InlineData("off")]
    [TimescaleInlineData("auto")]
    public async Task Readings_far_outside_the_prepared_months_are_stored(string timescale)
    {
        await using var db = await DatabaseWithRegistryAsync(timescale);
        await using var connection = await db.OpenConnectionAsync();
        var old = new DateTimeOffset(2019, 2, 28, 23, 59, 0, TimeSpan.Zero);
        var (result, _) = await new TimeSeriesWriter().WriteAsync(connection, [new SensorReading("S0001", old, 40), new SensorReading("S0001", old.AddYears(10), 41)], [], CancellationToken.None);

        Assert.Equal(new WriteResult(2, 0), result);
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM sensor_readings"));
    }

    [Theory]
    [InlineData("off")]
    [TimescaleInlineData("auto")]
    public async Task Telemetry_is_stored_once_beside_readings_in_one_transaction(string timescale)
    {
        await using var db = await DatabaseWithRegistryAsync(timescale);
        await using var connection = await db.OpenConnectionAsync();
        var writer = new TimeSeriesWriter();
        SourceTelemetry[] telemetry = [new("P001", T0, 12.5, 80, 150, 250_000, "running"), new("P002", T0, Nox: 90)];

        var (readings, first) = await writer.WriteAsync(connection, [new SensorReading("S0001", T0, 30)], telemetry, CancellationToken.None);
        var (_, again) = await writer.WriteAsync(connection, [], telemetry, CancellationToken.None);

        Assert.Equal(new WriteResult(1, 0), readings);
        Assert.Equal(new WriteResult(2, 0), first);
        Assert.Equal(new WriteResult(0, 2), again);
        var rows = (await connection.QueryAsync<(string SourceId, float? Particulate, float? Nox, string? Status)>(
            "SELECT source_id, particulate_mgm3, nox_mgm3, operating_status FROM source_telemetry ORDER BY source_id")).ToList();
        Assert.Equal([("P001", (float?)12.5f, (float?)150f, "running"), ("P002", null, (float?)90f, null)], rows);
    }

    [Fact]
    public async Task A_batch_mixing_new_and_stored_rows_stores_the_new_ones_and_counts_the_rest()
    {
        await using var db = await DatabaseWithRegistryAsync("off");
        await using var connection = await db.OpenConnectionAsync();
        var writer = new TimeSeriesWriter();
        await writer.WriteAsync(connection, [new SensorReading("S0001", T0, 1), new SensorReading("S0002", T0, 2)], [], CancellationToken.None);

        var (mixed, _) = await writer.WriteAsync(connection, [new SensorReading("S0001", T0, 1), new SensorReading("S0001", T0.AddMinutes(5), 3), new SensorReading("S0002", T0, 2)], [], CancellationToken.None);

        Assert.Equal(new WriteResult(1, 2), mixed);
        Assert.Equal(3, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM sensor_readings"));
    }

    [Fact]
    public async Task Every_column_of_a_reading_reads_back_as_written_through_the_binary_copy_encoder()
    {
        await using var db = await DatabaseWithRegistryAsync("off");
        await using var connection = await db.OpenConnectionAsync();
        // Ticks finer than a microsecond are dropped; a time before 2000 counts back from PostgreSQL's epoch;
        // a long id with characters of two and three bytes in UTF-8.
        var full = new SensorReading("S-Ärgerstraße-北碚-" + new string('x', 200), new DateTimeOffset(1999, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(1_234_567),
            31.25, 50.5, 40.125, 8.5, 120.75, 0.875, -3.5, 86.25, 2.5, 359.75, 1013.25);
        var sparse = new SensorReading("S0002", new DateTimeOffset(2026, 6, 30, 16, 0, 0, TimeSpan.FromHours(8)), 12);
        // Enough rows to fill the encoder's 64 KB buffer many times over.
        var many = Enumerable.Range(0, 5_000).Select(i => new SensorReading("S0003", T0.AddMinutes(i), i / 4.0, Pressure: 1000 + i)).ToList();

        var (result, _) = await new TimeSeriesWriter().WriteAsync(connection, [full, sparse, .. many], [], CancellationToken.None);

        Assert.Equal(new WriteResult(5_002, 0), result);
        var rows = (await connection.QueryAsync("""
            SELECT sensor_id, observed_at, pm25_ugm3, pm10_ugm3, no2_ugm3, so2_ugm3, o3_ugm3, co_mgm3, temperature_c,
                   relative_humidity_pct, wind_speed_ms, wind_direction_deg, pressure_hpa
            FROM sensor_readings WHERE sensor_id <> 'S0003' ORDER BY observed_at
            """)).Select(r => (IDictionary<string, object?>)r).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(full.SensorId, rows[0]["sensor_id"]);
        Assert.Equal(new DateTime(1999, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(1_234_560), rows[0]["observed_at"]);
        Assert.Equal(new float?[] { 31.25f, 50.5f, 40.125f, 8.5f, 120.75f, 0.875f, -3.5f, 86.25f, 2.5f, 359.75f, 1013.25f }, Measurements(rows[0]));
        Assert.Equal(new DateTime(2026, 6, 30, 8, 0, 0, DateTimeKind.Utc), rows[1]["observed_at"]);
        Assert.Equal(new float?[] { 12f, null, null, null, null, null, null, null, null, null, null }, Measurements(rows[1]));
        Assert.Equal((5_000L, 3_124_375.0, 5_999f), await connection.QuerySingleAsync<(long, double, float)>( // 0/4 + 1/4 + ... + 4999/4
            "SELECT count(*), sum(pm25_ugm3::float8), max(pressure_hpa) FROM sensor_readings WHERE sensor_id = 'S0003'"));

        static float?[] Measurements(IDictionary<string, object?> row) => row.Values.Skip(2).Select(v => v as float?).ToArray();
    }

    [Fact]
    public async Task A_reading_too_long_to_encode_fails_its_batch_whole_and_the_connection_stays_usable()
    {
        await using var db = await DatabaseWithRegistryAsync("off");
        await using var connection = await db.OpenConnectionAsync();
        var writer = new TimeSeriesWriter();
        // Rows before it fill the COPY's buffer and are sent, so the server has a partial batch to throw away.
        var batch = Enumerable.Range(0, 3_000).Select(i => new SensorReading("S0001", T0.AddMinutes(i), 10)).Append(new SensorReading(new string('x', 40_000), T0, 10)).ToList();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteAsync(connection, batch, [], CancellationToken.None));

        Assert.Contains("40,000 characters is too long", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM sensor_readings"));
        var (stored, _) = await writer.WriteAsync(connection, batch[..3_000], [], CancellationToken.None);
        Assert.Equal(new WriteResult(3_000, 0), stored);
    }
}
