using System.CommandLine;
using AirQuality.Development;
using AirQuality.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AirQuality.Cli.Commands;

/// <summary><c>airq db migrate | info | stop | grant-analyst | grant-worker</c>.</summary>
static class DbCommands
{
    public static Command Create()
    {
        var db = new Command("db", "Database schema and the private development cluster.");

        var migrate = new Command("migrate", "Apply the SQL migrations in infra/db that are not applied yet (a no-op when up to date).");
        migrate.SetAction((_, ct) => AirqCommandLine.RunAsync(async token =>
        {
            using var host = await AirqHost.BuildAsync(AirqConfiguration.Load(), NoFlags, new HostNeeds(DatabaseMode.Migrated), token);
            var applied = host.Services.GetRequiredService<DatabaseServer>().Applied;
            Console.WriteLine(applied.Count == 0 ? "The schema is up to date; nothing to apply." : $"Applied {applied.Count} migration(s).");
            return 0;
        }, ct));

        var info = new Command("info", "Print how to connect (host, port, database, user), the server version, whether TimescaleDB is in use, and the applied migrations.");
        info.SetAction((_, ct) => AirqCommandLine.RunAsync(async token =>
        {
            // The server only: showing what is pending is this command's purpose.
            using var host = await AirqHost.BuildAsync(AirqConfiguration.Load(), NoFlags, new HostNeeds(DatabaseMode.ServerOnly), token);
            var i = await DatabaseInfo.ReadAsync(host.Services.GetRequiredService<NpgsqlDataSource>(), token);
            PrintConnection(host.Services.GetRequiredService<DatabaseServer>());
            Console.WriteLine($"Server:      {i.ServerVersion}");
            Console.WriteLine($"TimescaleDB: {(i.TimescaleVersion is null ? "not in use (plain PostgreSQL, monthly partitions)" : $"{i.TimescaleVersion}, sensor_readings {(i.ReadingsAreHypertable ? "is" : "is not")} a hypertable")}");
            Console.WriteLine($"Migrations:  {(i.Migrations.Count == 0 ? "none applied; run ./airq db migrate" : "")}");
            foreach (var m in i.Migrations)
            {
                Console.WriteLine($"  {m.Version:0000}_{m.Name}  applied {m.AppliedAt:yyyy-MM-dd HH:mm:ss} UTC");
            }

            var pending = Migrator.All.Where(m => i.Migrations.All(a => a.Version != m.Version)).ToList();
            if (pending.Count > 0)
            {
                Console.WriteLine($"Pending:     {string.Join(", ", pending.Select(m => $"{m.Version:0000}_{m.Name}"))}");
            }

            return 0;
        }, ct));

        var stop = new Command("stop", "Stop the private PostgreSQL cluster (its data stays for the next run).");
        stop.SetAction((_, ct) => AirqCommandLine.RunAsync(async token =>
        {
            // No database: stopping the cluster must not start it first.
            using var host = await AirqHost.BuildAsync(AirqConfiguration.Load(), NoFlags, HostNeeds.Nothing, token);
            var database = host.Services.GetRequiredService<DatabaseOptions>();
            if (database.ConnectionString is { Length: > 0 })
            {
                throw new UsageException("AIRQ_DB is set, so no private cluster is in use; stop that server with its own tools.");
            }

            var cluster = PrivateCluster.Existing(database.DataDirectory);
            if (cluster is null || !await cluster.IsRunningAsync(token))
            {
                Console.WriteLine($"No private cluster is running in {Path.GetFullPath(database.DataDirectory)}; nothing to stop.");
                return 0;
            }

            await cluster.StopAsync(token);
            Console.WriteLine($"Stopped the private cluster in {cluster.Directory}; its data stays for the next run.");
            return 0;
        }, ct));

        db.Subcommands.Add(migrate);
        db.Subcommands.Add(info);
        db.Subcommands.Add(stop);
        db.Subcommands.Add(GrantAnalyst());
        db.Subcommands.Add(GrantWorker());
        return db;
    }

    static readonly Dictionary<string, string?> NoFlags = [];

    /// <summary>Where an analyst connects: host, port, database and user (never the password), and for the private cluster where its password and data are.</summary>
    static void PrintConnection(DatabaseServer server)
    {
        var c = new NpgsqlConnectionStringBuilder(server.ConnectionString);
        Console.WriteLine($"Connection:  host {c.Host}, port {c.Port}, database {c.Database}, user {c.Username}");
        if (server.PrivateCluster is { } cluster)
        {
            Console.WriteLine($"Cluster:     private, password in {cluster.PasswordPath}, data in {cluster.DataPath}");
            Console.WriteLine($"psql:        PGPASSWORD=\"$(cat {cluster.PasswordPath})\" psql -h {c.Host} -p {c.Port} -U {c.Username} {c.Database}");
        }
    }

    static Command GrantAnalyst()
    {
        var name = new Argument<string>("NAME") { Description = "The login to create (lower-case letters, digits, '_')." };
        var command = new Command("grant-analyst", $"Create a read-only analyst login in role {DatabaseRoles.Analyst} (SELECT on the tables and views of docs/sql.md). " +
            "Password from AIRQ_ANALYST_PASSWORD, or generated and printed once.") { name };
        command.SetAction((parse, ct) => AirqCommandLine.RunAsync(token =>
            GrantAsync(parse.GetValue(name)!, DatabaseRoles.Analyst, "AIRQ_ANALYST_PASSWORD", token), ct));
        return command;
    }

    static Command GrantWorker()
    {
        var name = new Argument<string>("NAME") { Description = "The login to create (lower-case letters, digits, '_')." };
        var role = new Option<string>("--role") { Description = "ingest, analytics or console.", Required = true };
        role.AcceptOnlyFromAmong("ingest", "analytics", "console");
        var command = new Command("grant-worker", $"Create a login for a worker in role {DatabaseRoles.Ingest}, {DatabaseRoles.Analytics} or {DatabaseRoles.Console}. " +
            "Password from AIRQ_WORKER_PASSWORD, or generated and printed once.") { name, role };
        command.SetAction((parse, ct) => AirqCommandLine.RunAsync(token =>
            GrantAsync(parse.GetValue(name)!, DatabaseRoles.Groups[parse.GetValue(role)!], "AIRQ_WORKER_PASSWORD", token), ct));
        return command;
    }

    /// <summary>Creates (or updates) the login on the migrated database; a generated password is printed once, a given one never.</summary>
    static async Task<int> GrantAsync(string name, string group, string passwordVariable, CancellationToken cancellationToken)
    {
        DatabaseRoles.CheckLoginName(name);
        var given = Environment.GetEnvironmentVariable(passwordVariable);
        var password = given is { Length: > 0 } ? given : DatabaseRoles.GeneratePassword();
        using var host = await AirqHost.BuildAsync(AirqConfiguration.Load(), NoFlags, cancellationToken);
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        var created = await DatabaseRoles.CreateOrUpdateLoginAsync(dataSource, name, group, password, cancellationToken);
        Console.WriteLine($"{(created ? "Created" : "Updated")} login {name} in role {group}.");
        Console.WriteLine(given is { Length: > 0 }
            ? $"Its password is the one in {passwordVariable}."
            : $"Its password (shown once, not stored by airq): {password}");
        return 0;
    }
}
