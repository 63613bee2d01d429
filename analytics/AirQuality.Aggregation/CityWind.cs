using AirQuality.Aggregation.Columns;
using Dapper;
using Npgsql;

namespace AirQuality.Aggregation;

/// <summary>
/// The city's wind each hour: the vector mean over every station that measured it. Detection and attribution read it
/// alike, so an episode is judged and attributed under the same wind.
/// </summary>
/// <remarks>Hours are hours since 1970-01-01 UTC (<see cref="HourlyColumns.HourOf"/>); speed in m/s; direction "from", degrees clockwise from north.</remarks>
public static class CityWind
{
    /// <summary>One hour's mean wind: the east and north components of the vector mean, and the mean speed.</summary>
    public readonly record struct HourWind(long Hour, double East, double North, double SpeedMs)
    {
        public double FromDeg => FromDegrees(East, North);
    }

    /// <summary>The hours in (<paramref name="from"/>, <paramref name="to"/>] in which some station measured the wind; the others are absent.</summary>
    public static async Task<IReadOnlyList<HourWind>> LoadAsync(NpgsqlConnection connection, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<(DateTime Hour, double East, double North, double Speed)>(new CommandDefinition("""
            SELECT date_bin('1 hour', observed_at - interval '1 microsecond', timestamptz '2000-01-01 00:00:00+00') AS hour_start,
                   avg(wind_speed_ms * sin(radians(wind_direction_deg))), avg(wind_speed_ms * cos(radians(wind_direction_deg))), avg(wind_speed_ms)
            FROM sensor_readings
            WHERE observed_at > @from AND observed_at <= @to AND wind_speed_ms IS NOT NULL AND wind_direction_deg IS NOT NULL
            GROUP BY 1
            """, new { from, to }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new HourWind(HourlyColumns.HourOf(r.Hour), r.East, r.North, r.Speed))];
    }

    /// <summary>Where a wind of these east and north components blows from, degrees clockwise from north (0–360).</summary>
    public static double FromDegrees(double east, double north) => (Math.Atan2(east, north) * 180 / Math.PI + 360) % 360;
}
