using System.Globalization;
using System.Text;
using Npgsql;

namespace AirQuality.Simulation.Truth;

/// <summary>Writes a simulation's incidents to a CSV file and to <c>simulation_incidents</c>.</summary>
public static class GroundTruthStore
{
    /// <summary>The name a simulation's incidents are filed under: its seed and period.</summary>
    public static string SimulationName(SimulationOptions options) =>
        string.Create(CultureInfo.InvariantCulture, $"seed {options.Seed} from {options.Start:yyyy-MM-ddTHH:mm:sszzz} for {options.Duration.TotalDays:0.##} day(s)");

    public static async Task WriteCsvAsync(string path, IReadOnlyList<Incident> incidents, CancellationToken cancellationToken)
    {
        var c = CultureInfo.InvariantCulture;
        var csv = new StringBuilder("incident_no,source_id,kind,latitude,longitude,started_at,ended_at,emission_g_s,under_reported\n");
        foreach (var (x, no) in incidents.Select((x, i) => (x, i + 1)))
        {
            csv.Append(c, $"{no},{x.SourceId},{x.Kind},{x.Latitude:0.000000},{x.Longitude:0.000000},{x.Start.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ},{x.End.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ},{x.EmissionGs:0.###},{(x.UnderReported ? "true" : "false")}\n");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, csv.ToString(), cancellationToken);
    }

    /// <summary>Replaces the simulation's incidents in the table (re-running a simulation files the same incidents again).</summary>
    public static async Task WriteTableAsync(NpgsqlDataSource dataSource, string simulation, IReadOnlyList<Incident> incidents, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var delete = new NpgsqlCommand("DELETE FROM simulation_incidents WHERE simulation = $1", connection, transaction) { Parameters = { new() { Value = simulation } } })
        {
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var insert = new NpgsqlCommand("""
            INSERT INTO simulation_incidents (simulation, incident_no, source_id, kind, latitude, longitude, started_at, ended_at, emission_g_s, under_reported)
            SELECT $1, n, s, k, la, lo, st, en, e, u
            FROM unnest($2::int[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::timestamptz[], $8::timestamptz[], $9::float8[], $10::bool[]) AS x(n, s, k, la, lo, st, en, e, u)
            """, connection, transaction)
        {
            Parameters =
            {
                new() { Value = simulation },
                new() { Value = Enumerable.Range(1, incidents.Count).ToArray() },
                new() { Value = incidents.Select(x => x.SourceId).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text },
                new() { Value = incidents.Select(x => x.Kind).ToArray() },
                new() { Value = incidents.Select(x => x.Latitude).ToArray() },
                new() { Value = incidents.Select(x => x.Longitude).ToArray() },
                new() { Value = incidents.Select(x => x.Start.UtcDateTime).ToArray() },
                new() { Value = incidents.Select(x => x.End.UtcDateTime).ToArray() },
                new() { Value = incidents.Select(x => x.EmissionGs).ToArray() },
                new() { Value = incidents.Select(x => x.UnderReported).ToArray() },
            },
        };
        await insert.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
