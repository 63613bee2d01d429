using AirQuality.Aggregation.Calibration;
using Npgsql;

namespace AirQuality.Aggregation;

/// <summary>
/// The same daily figures computed by PostgreSQL alone from <c>sensor_readings</c> (<c>Sql/reference_daily.sql</c>),
/// into temporary tables <c>ref_sensor_daily</c>, <c>ref_district_daily</c> and <c>ref_city_daily</c> on the
/// connection: the reference the tests hold the columnar stage to, and the baseline its benchmark is timed against.
/// </summary>
public static class SqlReference
{
    static readonly string Sql = Load();

    /// <summary>The figures under the default settings, which leave the hours flagged out of range, flat line or humid out of the PM2.5 means.</summary>
    public static Task RunAsync(NpgsqlConnection connection, string timeZone, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken) =>
        RunAsync(connection, timeZone, firstDay, lastDay, new CalibrationOptions().ExcludedFlags, cancellationToken);

    /// <summary>The figures with the valid PM2.5 hours carrying any of <paramref name="excluded"/> left out (<see cref="CalibrationOptions.ExcludedFlags"/>).</summary>
    public static async Task RunAsync(NpgsqlConnection connection, string timeZone, DateOnly firstDay, DateOnly lastDay, QualityBits excluded, CancellationToken cancellationToken)
    {
#pragma warning disable CA2100 // An embedded resource; the values are parameters.
        await using var command = new NpgsqlCommand(Sql, connection)
#pragma warning restore CA2100
        {
            CommandTimeout = 0,
            Parameters =
            {
                new("time_zone", timeZone),
                new("first_day", firstDay),
                new("last_day", lastDay),
                new("excluded_flags", (int)excluded),
            },
        };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    static string Load()
    {
        using var stream = typeof(SqlReference).Assembly.GetManifestResourceStream("sql/reference_daily.sql")
            ?? throw new InvalidOperationException("The embedded resource sql/reference_daily.sql is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
