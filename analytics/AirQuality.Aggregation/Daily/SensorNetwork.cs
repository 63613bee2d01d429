using Dapper;
using Npgsql;

namespace AirQuality.Aggregation.Daily;

/// <summary>The registered sensors and districts the aggregation works over, with dense indexes for column arrays.</summary>
public sealed class SensorNetwork
{
    readonly Dictionary<string, int> _sensorIndex;

    public SensorNetwork(IReadOnlyList<(string SensorId, string DistrictId, int ReportingIntervalS)> sensors, IReadOnlyList<string> districtIds)
    {
        var ordered = sensors.OrderBy(s => s.SensorId, StringComparer.Ordinal).ToArray();
        SensorIds = [.. ordered.Select(s => s.SensorId)];
        ReportingIntervalS = [.. ordered.Select(s => s.ReportingIntervalS)];
        DistrictIds = [.. districtIds.Order(StringComparer.Ordinal)];
        var districtIndex = DistrictIds.Select((d, i) => (d, i)).ToDictionary(x => x.d, x => x.i, StringComparer.Ordinal);
        SensorDistrict = [.. ordered.Select(s => districtIndex.TryGetValue(s.DistrictId, out var i) ? i
            : throw new ArgumentException($"Sensor {s.SensorId} is in district {s.DistrictId}, which is not among the districts.", nameof(sensors)))];
        _sensorIndex = SensorIds.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i, StringComparer.Ordinal);
    }

    /// <summary>Sensor ids in ordinal order; a sensor's index is its position here.</summary>
    public string[] SensorIds { get; }

    public int[] ReportingIntervalS { get; }

    /// <summary>Index into <see cref="DistrictIds"/> of each sensor's district.</summary>
    public int[] SensorDistrict { get; }

    public string[] DistrictIds { get; }

    public int SensorIndex(string sensorId) => _sensorIndex.TryGetValue(sensorId, out var i) ? i : -1;

    public static async Task<SensorNetwork> LoadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var sensors = await connection.QueryAsync<(string, string, int)>(new CommandDefinition(
            "SELECT sensor_id, district_id, reporting_interval_s FROM sensors", cancellationToken: cancellationToken));
        var districts = await connection.QueryAsync<string>(new CommandDefinition("SELECT district_id FROM districts", cancellationToken: cancellationToken));
        return new SensorNetwork([.. sensors], [.. districts]);
    }
}
