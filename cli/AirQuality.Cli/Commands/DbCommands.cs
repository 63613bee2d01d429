using System.CommandLine;
using AirQuality.Storage;

namespace AirQuality.Cli.Commands;

/// <summary><c>airq db migrate | info | stop</c>.</summary>
static class DbCommands
{
    public static Command Create()
    {
        var db = new Command("db", "Database schema and the private development cluster.");

        var migrate = new Command("migrate", "Apply the SQL migrations in infra/db that are not applied yet (a no-op when up to date).");
        migrate.SetAction((_, ct) => AirqCommandLine.RunAsync(async (env, token) =>
        {
            var dataSource = await env.DatabaseAsync(token);
            var applied = await new Migrator(dataSource, env.Configuration.Database).MigrateAsync(AirqEnvironment.Progress, token);
            Console.WriteLine(applied.Count == 0 ? "The schema is up to date; nothing to apply." : $"Applied {applied.Count} migration(s).");
            return 0;
        }, ct));

        var info = new Command("info", "Print the server version, whether TimescaleDB is in use, and the applied migrations.");
        info.SetAction((_, ct) => AirqCommandLine.RunAsync(async (env, token) =>
        {
            var i = await DatabaseInfo.ReadAsync(await env.DatabaseAsync(token), token);
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
        stop.SetAction((_, ct) => AirqCommandLine.RunAsync(async (env, token) =>
        {
            if (env.Configuration.Database.ConnectionString is { Length: > 0 })
            {
                throw new UsageException("AIRQ_DB is set, so no private cluster is in use; stop that server with its own tools.");
            }

            var cluster = PrivateCluster.Existing(env.Configuration.Database.DataDirectory);
            if (cluster is null || !await cluster.IsRunningAsync(token))
            {
                Console.WriteLine($"No private cluster is running in {Path.GetFullPath(env.Configuration.Database.DataDirectory)}; nothing to stop.");
                return 0;
            }

            await cluster.StopAsync(token);
            Console.WriteLine($"Stopped the private cluster in {cluster.Directory}; its data stays for the next run.");
            return 0;
        }, ct));

        db.Subcommands.Add(migrate);
        db.Subcommands.Add(info);
        db.Subcommands.Add(stop);
        return db;
    }
}
