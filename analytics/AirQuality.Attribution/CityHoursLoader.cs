using AirQuality.Aggregation.Calibration;
using AirQuality.Aggregation.Columns;
using AirQuality.Aggregation;
using AirQuality.Storage.Registry;
using Dapper;
using Npgsql;

namespace AirQuality.Attribution;

/// <summary>Reads <see cref="CityHours"/> from the database: valid hourly means, the stations' hourly wind, and sources' hourly particulate.</summary>
public static class CityHoursLoader
{
    /// <summary>The hours from <paramref name="firstHour"/>, PM2.5 as the sensors reported it.</summary>
    public static Task<CityHours> LoadAsync(NpgsqlDataSource dataSource, CityRegistry registry, long firstHour, int hours, CancellationToken cancellationToken) =>
        LoadAsync(dataSource, registry, firstHour, hours, Pm25Flow.Raw, cancellationToken);

    /// <summary>
    /// The hours from <paramref name="firstHour"/>; with <paramref name="pm25"/> <see cref="Pm25Flow.Corrected"/> (<c>Anomalies:Pm25</c>),
    /// micro sensors' PM2.5 from <c>pm25_corrected_ugm3</c> where the hour has a correction, as the detector read it.
    /// </summary>
    public static async Task<CityHours> LoadAsync(NpgsqlDataSource dataSource, CityRegistry registry, long firstHour, int hours, Pm25Flow pm25,
        CancellationToken cancellationToken)
    {
        var city = new CityHours(registry.Sensors, registry.Sources, firstHour, hours);
        var (from, to) = (HourlyColumns.HourStart(firstHour), HourlyColumns.HourStart(firstHour + hours));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await HourlyStore.FoldAsync(connection, cancellationToken);
        var means = await connection.QueryAsync<HourlyMeans>(new CommandDefinition("""
            SELECT sensor_id AS SensorId, hour_start AS Hour, CASE WHEN @corrected THEN coalesce(pm25_corrected_ugm3, pm25_ugm3) ELSE pm25_ugm3 END AS Pm25, pm25_valid AS Pm25Valid, pm10_ugm3 AS Pm10, pm10_valid AS Pm10Valid,
                   so2_ugm3 AS So2, so2_valid AS So2Valid, co_mgm3 AS Co, co_valid AS CoValid
            FROM sensor_hourly_means WHERE hour_start >= @from AND hour_start < @to
            """, new { from, to, corrected = pm25 == Pm25Flow.Corrected }, cancellationToken: cancellationToken));
        foreach (var m in means)
        {
            if (city.SensorIndex(m.SensorId) is { } s)
            {
                var h = (int)(HourlyColumns.HourOf(m.Hour) - firstHour);
                city.Pm25[s * hours + h] = m.Pm25Valid && m.Pm25 is { } a ? a : double.NaN;
                city.Pm10[s * hours + h] = m.Pm10Valid && m.Pm10 is { } b ? b : double.NaN;
                city.So2[s * hours + h] = m.So2Valid && m.So2 is { } c ? c : double.NaN;
                city.Co[s * hours + h] = m.CoValid && m.Co is { } d ? d : double.NaN;
            }
        }

        foreach (var w in await CityWind.LoadAsync(connection, from, to, cancellationToken))
        {
            var h = (int)(w.Hour - firstHour);
            city.WindSpeedMs[h] = w.SpeedMs;
            city.WindFromDeg[h] = w.FromDeg;
        }

        // Only records of a plant at work count as emission evidence: during maintenance, start-up or a stop the flue
        // readings describe the plant's state, not what it sends into the air as it usually runs.
        var telemetry = await connection.QueryAsync<(string SourceId, DateTime Hour, double Particulate)>(new CommandDefinition("""
            SELECT source_id, date_bin('1 hour', observed_at - interval '1 microsecond', timestamptz '2000-01-01 00:00:00+00') AS hour_start, avg(particulate_mgm3)
            FROM source_telemetry
            WHERE observed_at > @from AND observed_at <= @to AND particulate_mgm3 IS NOT NULL
              AND (operating_status IS NULL OR operating_status = 'running')
            GROUP BY 1, 2
            """, new { from, to }, cancellationToken: cancellationToken));
        foreach (var t in telemetry)
        {
            if (city.SourceIndex(t.SourceId) is { } j)
            {
                city.Particulate[j * hours + (int)(HourlyColumns.HourOf(t.Hour) - firstHour)] = t.Particulate;
            }
        }

        return city;
    }

    sealed record HourlyMeans(string SensorId, DateTime Hour, float? Pm25, bool Pm25Valid, float? Pm10, bool Pm10Valid, float? So2, bool So2Valid, float? Co, bool CoValid);
}
