using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using AirQuality.Storage.Internal;
using Npgsql;

namespace AirQuality.Storage;

/// <summary>
/// A PostgreSQL cluster of this project's own, created from the installed server binaries in a folder and
/// started on a free loopback port: the default database when no connection string is configured.
/// </summary>
/// <remarks>
/// Layout of <see cref="Directory"/>: <c>data/</c> (PGDATA, owned by the <c>postgres</c> user when run as root),
/// <c>port</c>, and <c>password</c> (mode 0600, generated at creation; the superuser <c>airq</c> logs in with it
/// over TCP on 127.0.0.1 only, no Unix socket). The server keeps running after this process ends so the next
/// command reuses it; <see cref="StopAsync"/> stops it. TimescaleDB is preloaded when its library is installed.
/// </remarks>
public sealed class PrivateCluster
{
    public const string SuperUser = "airq";
    public const string DatabaseName = "airq";

    PrivateCluster(string directory, string binDirectory)
    {
        Directory = directory;
        BinDirectory = binDirectory;
    }

    /// <summary>The cluster's folder (absolute).</summary>
    public string Directory { get; }

    /// <summary>Where initdb, pg_ctl and postgres are.</summary>
    public string BinDirectory { get; }

    string DataPath => Path.Combine(Directory, "data");
    string PortPath => Path.Combine(Directory, "port");
    string PasswordPath => Path.Combine(Directory, "password");

    /// <summary>Creates the cluster if its folder holds none, starts it if it is not running, and returns a connection string to its <c>airq</c> database.</summary>
    public static async Task<(PrivateCluster Cluster, string ConnectionString)> EnsureRunningAsync(
        string directory, bool preloadTimescale, Action<string>? progress, CancellationToken cancellationToken)
    {
        var cluster = new PrivateCluster(Path.GetFullPath(directory), FindBinDirectory());
        if (!File.Exists(Path.Combine(cluster.DataPath, "PG_VERSION")))
        {
            progress?.Invoke($"Creating a private PostgreSQL cluster in {cluster.Directory} ...");
            await cluster.InitAsync(cancellationToken);
        }

        var started = await cluster.StartAsync(preloadTimescale, cancellationToken);
        if (started)
        {
            progress?.Invoke($"Started PostgreSQL on 127.0.0.1:{cluster.Port} (data in {cluster.DataPath}).");
        }

        var connectionString = cluster.ConnectionString(DatabaseName);
        await cluster.EnsureDatabaseAsync(cancellationToken);
        return (cluster, connectionString);
    }

    /// <summary>The cluster in <paramref name="directory"/> if one was created there, without starting it; otherwise null.</summary>
    public static PrivateCluster? Existing(string directory)
    {
        var cluster = new PrivateCluster(Path.GetFullPath(directory), FindBinDirectory());
        return File.Exists(cluster.PortPath) ? cluster : null;
    }

    /// <summary>The TCP port the cluster listens on, chosen when it was created.</summary>
    public int Port => int.Parse(File.ReadAllText(PortPath).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A connection string for <paramref name="database"/> as the cluster's superuser.</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = SuperUser,
        Password = File.ReadAllText(PasswordPath).Trim(),
        Database = database,
    }.ConnectionString;

    /// <summary>Stops the server (fast shutdown); the data stays.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await ProcessRunner.TryRunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataPath, "-m", "fast", "-w", "stop"], cancellationToken, asServerUser: true);
    }

    /// <summary>Whether the server is running, by pg_ctl's reading of its pid file.</summary>
    public async Task<bool> IsRunningAsync(CancellationToken cancellationToken) =>
        (await ProcessRunner.TryRunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataPath, "status"], cancellationToken, asServerUser: true)).ExitCode == 0;

    async Task InitAsync(CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        File.WriteAllText(PasswordPath, password + "\n");
        File.SetUnixFileMode(PasswordPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(PortPath, FreeLoopbackPort().ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");

        // initdb reads the password from a file; it must be readable by the user running the server.
        var pwFile = Path.Combine(Path.GetTempPath(), $"airq-initdb-{Guid.NewGuid():N}");
        File.WriteAllText(pwFile, password + "\n");
        File.SetUnixFileMode(pwFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            System.IO.Directory.CreateDirectory(DataPath);
            if (ProcessRunner.IsRoot)
            {
                await ProcessRunner.RunAsync("chown", ["postgres:postgres", DataPath, pwFile], cancellationToken);
            }

            await ProcessRunner.RunAsync(
                Path.Combine(BinDirectory, "initdb"),
                ["-D", DataPath, "-U", SuperUser, "--pwfile", pwFile, "--auth=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-instructions"],
                cancellationToken, asServerUser: true);
        }
        finally
        {
            File.Delete(pwFile);
        }
    }

    async Task<bool> StartAsync(bool preloadTimescale, CancellationToken cancellationToken)
    {
        if (await IsRunningAsync(cancellationToken))
        {
            return false;
        }

        var settings = new List<string>
        {
            $"-p {Port}",
            "-c listen_addresses=127.0.0.1",
            "-c unix_socket_directories=",
            "-c max_connections=60",
            "-c shared_buffers=256MB",
            // A development cluster: a crash may lose the last commits' durability but never consistency.
            "-c synchronous_commit=off",
        };
        if (preloadTimescale && TimescaleInstalled(BinDirectory))
        {
            settings.Add("-c shared_preload_libraries=timescaledb");
            settings.Add("-c timescaledb.telemetry_level=off");
        }

        await ProcessRunner.RunAsync(
            Path.Combine(BinDirectory, "pg_ctl"),
            ["-D", DataPath, "-l", Path.Combine(DataPath, "server.log"), "-w", "-t", "60", "-o", string.Join(' ', settings), "start"],
            cancellationToken, asServerUser: true);
        return true;
    }

    async Task EnsureDatabaseAsync(CancellationToken cancellationToken)
    {
        // A one-off connection, unpooled: a pooled one may predate a restart of the server and be dead.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString("postgres")) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = DatabaseName } } };
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            // Identifiers cannot be parameters; the name is a constant of this class.
            await using var create = new NpgsqlCommand($"CREATE DATABASE {DatabaseName}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static bool TimescaleInstalled(string binDirectory)
    {
        // Debian layout: /usr/lib/postgresql/15/bin -> /usr/lib/postgresql/15/lib/timescaledb.so
        var lib = Path.Combine(Path.GetDirectoryName(binDirectory)!, "lib", "timescaledb.so");
        return File.Exists(lib);
    }

    static string FindBinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        var candidates = System.IO.Directory.Exists(root)
            ? System.IO.Directory.GetDirectories(root)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(c => File.Exists(Path.Combine(c.Dir, "initdb")))
                .OrderByDescending(c => c.Version)
                .Select(c => c.Dir)
                .ToList()
            : [];
        return candidates.FirstOrDefault()
            ?? throw new InvalidOperationException(
                "No PostgreSQL server binaries found under /usr/lib/postgresql. Install them with `make setup` " +
                "(Debian's postgresql-15), or set AIRQ_DB to the connection string of a running server.");
    }
}
