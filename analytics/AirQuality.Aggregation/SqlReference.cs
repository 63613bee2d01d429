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

    public static async Task RunAsync(NpgsqlConnection connection, string timeZone, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken)
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
