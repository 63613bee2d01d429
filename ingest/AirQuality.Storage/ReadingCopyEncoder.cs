using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using AirQuality.Contracts;
using Npgsql;

namespace AirQuality.Storage;

/// <summary>
/// Copies sensor readings into a table in PostgreSQL's binary COPY format, encoded here and written to Npgsql's
/// raw COPY stream, in the column order of <see cref="Columns"/>.
/// </summary>
/// <remarks>
/// Why not <see cref="NpgsqlBinaryImporter"/>: it resolves a converter and runs a state machine for every value,
/// about 1 µs a reading of the worker's CPU, and readings are the one hot path; the format itself is fixed
/// and simple (https://www.postgresql.org/docs/15/sql-copy.html, "Binary Format"). Tests read every column back.
/// </remarks>
public static class ReadingCopyEncoder
{
    /// <summary>The columns the encoder writes, in order.</summary>
    public const string Columns = "sensor_id, observed_at, pm25_ugm3, pm10_ugm3, no2_ugm3, so2_ugm3, o3_ugm3, co_mgm3, temperature_c, relative_humidity_pct, wind_speed_ms, wind_direction_deg, pressure_hpa";

    const short FieldCount = 13;

    // PostgreSQL's timestamps count microseconds from 2000-01-01 00:00 UTC.
    static readonly long PostgresEpochMicroseconds = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks / 10;

    // "PGCOPY\n\377\r\n\0", then no flags and no header extension.
    static readonly byte[] Header = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];

    const int BufferSize = 64 * 1024;

    /// <summary>Copies <paramref name="rows"/> into <paramref name="table"/> in the connection's current transaction.</summary>
    /// <exception cref="PostgresException">From the server, such as a unique violation, when the copy ends.</exception>
    public static async Task CopyAsync(NpgsqlConnection connection, string table, IReadOnlyList<SensorReading> rows, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
#pragma warning disable CA2100 // The table name is the caller's constant, never input.
            await using var stream = await connection.BeginRawBinaryCopyAsync($"COPY {table} ({Columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
#pragma warning restore CA2100
            try
            {
                Header.CopyTo(buffer, 0);
                var used = Header.Length;
                foreach (var row in rows)
                {
                    var room = MaxRowBytes(row);
                    if (room > BufferSize - 2)
                    {
                        // Registry ids are at most 64 characters; only a bug could bring one this long.
                        throw new ArgumentException($"A sensor id of {row.SensorId.Length:N0} characters is too long to copy.", nameof(rows));
                    }

                    if (BufferSize - used < room + 2) // room for the trailer too
                    {
                        await stream.WriteAsync(buffer.AsMemory(0, used), cancellationToken);
                        used = 0;
                    }

                    used += Encode(row, buffer.AsSpan(used));
                }

                BinaryPrimitives.WriteInt16BigEndian(buffer.AsSpan(used), -1); // the trailer
                await stream.WriteAsync(buffer.AsMemory(0, used + 2), cancellationToken);
            }
            catch
            {
                // Without this the stream's disposal would end the COPY normally and keep a partial batch.
                try
                {
                    await stream.CancelAsync();
                }
                catch (Exception cancelError) when (cancelError is NpgsqlException or IOException or ObjectDisposedException)
                {
                    // The connection is already broken: the error being thrown says more than this one.
                }

                throw;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    static int MaxRowBytes(SensorReading row) => 2 + 4 + Encoding.UTF8.GetMaxByteCount(row.SensorId.Length) + 4 + 8 + (FieldCount - 2) * (4 + 4);

    /// <summary>Writes one row (field count, then each field's length and bytes, big-endian) and returns its length.</summary>
    static int Encode(SensorReading r, Span<byte> to)
    {
        BinaryPrimitives.WriteInt16BigEndian(to, FieldCount);
        var idLength = Encoding.UTF8.GetBytes(r.SensorId, to[6..]);
        BinaryPrimitives.WriteInt32BigEndian(to[2..], idLength);
        var at = 6 + idLength;
        BinaryPrimitives.WriteInt32BigEndian(to[at..], 8);
        // Whole microseconds, dropping finer ticks (also before 2000, where dividing the difference would round up).
        BinaryPrimitives.WriteInt64BigEndian(to[(at + 4)..], r.ObservedAt.UtcTicks / 10 - PostgresEpochMicroseconds);
        at += 12;
        at = Real(r.Pm25, to, at);
        at = Real(r.Pm10, to, at);
        at = Real(r.No2, to, at);
        at = Real(r.So2, to, at);
        at = Real(r.O3, to, at);
        at = Real(r.Co, to, at);
        at = Real(r.Temperature, to, at);
        at = Real(r.Humidity, to, at);
        at = Real(r.WindSpeed, to, at);
        at = Real(r.WindDirection, to, at);
        return Real(r.Pressure, to, at);
    }

    static int Real(double? value, Span<byte> to, int at)
    {
        if (value is not { } v)
        {
            BinaryPrimitives.WriteInt32BigEndian(to[at..], -1); // NULL
            return at + 4;
        }

        BinaryPrimitives.WriteInt32BigEndian(to[at..], 4);
        BinaryPrimitives.WriteSingleBigEndian(to[(at + 4)..], (float)v);
        return at + 8;
    }
}
