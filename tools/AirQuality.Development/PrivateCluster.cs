using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using AirQuality.Development;
using Npgsql;

namespace AirQuality.Development;

/// <summary>
/// A PostgreSQL cluster of this project's own, created from the installed server binaries in a folder and
/// started on a free loopback port: the default database when no connection string is configured.
/// </summary>
/// <remarks>
/// <see cref="Directory"/> holds <c>port</c> and <c>password</c> (mode 0600, generated at creation; the superuser
/// <c>airq</c> logs in with it over TCP on 127.0.0.1 only, no Unix socket). The data (PGDATA, <see cref="DataPath"/>)
/// is in <c>data/</c> beside them when this process is not root. When it is root the server must run as the
/// <c>postgres</c> user, which cannot enter a checkout in root's home (mode 700 on Debian), so the data lives in a
/// folder <c>postgres</c> owns, <c>~postgres/airq/&lt;key&gt;/data</c>, the key a hash of <see cref="Directory"/>'s
/// absolute path (a cluster created before in <c>data/</c> beside the files stays there). The server keeps running
/// after this process ends so the next command reuses it; <see cref="StopAsync"/> stops it and
/// <see cref="DeleteAsync"/> removes it. TimescaleDB is preloaded when its library is installed.
/// </remarks>
public sealed class PrivateCluster
{
    public const string SuperUser = "airq";
    public const string DatabaseName = "airq";

    PrivateCluster(string directory, string binDirectory)
    {
        Directory = directory;
        BinDirectory = binDirectory;
        var beside = Path.Combine(directory, "data");
        DataPath = ProcessRunner.IsRoot && !File.Exists(Path.Combine(beside, "PG_VERSION"))
            ? Path.Combine(ServerUserHome() ?? "/var/lib/postgresql", "airq", Key(directory), "data")
            : beside;
    }

    /// <summary>The cluster's folder (absolute).</summary>
    public string Directory { get; }

    /// <summary>Where initdb, pg_ctl and postgres are.</summary>
    public string BinDirectory { get; }

    /// <summary>PGDATA, with <c>server.log</c>: <c>data/</c> in <see cref="Directory"/>, or, when run as root, a folder of the <c>postgres</c> user's (see remarks).</summary>
    public string DataPath { get; }

    /// <summary>Whether the data is outside <see cref="Directory"/>, in a folder of its own that only this cluster uses.</summary>
    bool DataIsElsewhere => Path.GetDirectoryName(DataPath) != Directory;
    string PortPath => Path.Combine(Directory, "port");

    /// <summary>The file holding the superuser's password (mode 0600).</summary>
    public string PasswordPath => Path.Combine(Directory, "password");

    /// <summary>Creates the cluster if its folder holds none, starts it if it is not running, and returns a connection string to its <c>airq</c> database.</summary>
    public static async Task<(PrivateCluster Cluster, string ConnectionString)> EnsureRunningAsync(
        string directory, bool preloadTimescale, Action<string>? progress, CancellationToken cancellationToken)
    {
        var cluster = new PrivateCluster(Path.GetFullPath(directory), FindBinDirectory());
        // Data elsewhere without the password beside it is a cluster whose folder was deleted: made anew.
        if (!File.Exists(Path.Combine(cluster.DataPath, "PG_VERSION")) || (cluster.DataIsElsewhere && !File.Exists(cluster.PasswordPath)))
        {
            progress?.Invoke($"Creating a private PostgreSQL cluster in {cluster.Directory} (data in {cluster.DataPath}) ...");
            await cluster.InitAsync(progress, cancellationToken);
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

    /// <summary>Stops the server and removes the cluster: its data and <see cref="Directory"/>.</summary>
    public async Task DeleteAsync(CancellationToken cancellationToken)
    {
        await StopAsync(cancellationToken);
        if (DataIsElsewhere && System.IO.Directory.Exists(Path.GetDirectoryName(DataPath)))
        {
            System.IO.Directory.Delete(Path.GetDirectoryName(DataPath)!, recursive: true);
        }

        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    /// <summary>Whether the server is running, by pg_ctl's reading of its pid file.</summary>
    public async Task<bool> IsRunningAsync(CancellationToken cancellationToken) =>
        (await ProcessRunner.TryRunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataPath, "status"], cancellationToken, asServerUser: true)).ExitCode == 0;

    async Task InitAsync(Action<string>? progress, CancellationToken cancellationToken)
    {
        if (DataIsElsewhere)
        {
            await PrepareServerUserFolderAsync(progress, cancellationToken);
        }

        System.IO.Directory.CreateDirectory(Directory);
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        File.WriteAllText(PasswordPath, password + "\n");
        File.SetUnixFileMode(PasswordPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(PortPath, FreeLoopbackPort().ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");

        // initdb reads the password from a file; it must be readable by the user running the server.
        var pwFile = Path.Combine(DataIsElsewhere ? Path.GetDirectoryName(DataPath)! : Path.GetTempPath(), $"airq-initdb-{Guid.NewGuid():N}");
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

    /// <summary>
    /// Makes the folder above <see cref="DataPath"/>, owned by <c>postgres</c> and private to it, and empties it: a
    /// cluster left there belongs to this <see cref="Directory"/> but cannot be used once its password file is gone.
    /// </summary>
    async Task PrepareServerUserFolderAsync(Action<string>? progress, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(DataPath)!;
        var parent = Path.GetDirectoryName(folder)!;
        if (ServerUserHome() is null || !System.IO.Directory.Exists(Path.GetDirectoryName(parent)))
        {
            throw new InvalidOperationException(
                "The private cluster runs as the postgres user, which does not exist here or has no home folder: install the server " +
                "with `make setup` (Debian's postgresql-15), or set AIRQ_DB to a running server.");
        }

        if (File.Exists(Path.Combine(DataPath, "PG_VERSION")))
        {
            progress?.Invoke($"Removing the earlier private cluster of {Directory} in {folder}: its password file is gone.");
            await StopAsync(cancellationToken);
        }

        if (System.IO.Directory.Exists(folder))
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }

        // Private to postgres, as PGDATA itself is; root reaches them anyway.
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        System.IO.Directory.CreateDirectory(folder);
        File.SetUnixFileMode(parent, ownerOnly);
        File.SetUnixFileMode(folder, ownerOnly);
        // Which checkout a folder belongs to, for whoever finds one whose checkout was moved or deleted.
        File.WriteAllText(Path.Combine(folder, "cluster-folder"), Directory + "\n");
        await ProcessRunner.RunAsync("chown", ["postgres:postgres", parent, folder, Path.Combine(folder, "cluster-folder")], cancellationToken);
        if (!await ProcessRunner.ServerUserCanWriteAsync(folder, cancellationToken))
        {
            throw new InvalidOperationException(
                $"The postgres user cannot reach {folder}, where the private cluster keeps its data: make every folder above it " +
                "searchable by postgres (chmod o+x), or set AIRQ_DB to a running server.");
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

    /// <summary>The first 16 hex digits of the SHA-256 of <paramref name="directory"/>: one data folder per cluster folder, stable across runs.</summary>
    static string Key(string directory) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(directory)))[..16].ToLowerInvariant();

    /// <summary>The <c>postgres</c> user's home from /etc/passwd (Debian's is /var/lib/postgresql); null when there is no such user.</summary>
    static string? ServerUserHome()
    {
        var entry = File.Exists("/etc/passwd")
            ? File.ReadLines("/etc/passwd").Select(l => l.Split(':')).FirstOrDefault(f => f.Length >= 6 && f[0] == "postgres")
            : null;
        return entry is not null && entry[5].Length > 0 ? entry[5] : null;
    }

    static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Whether the installed server has the TimescaleDB library, so a cluster started here preloads it.</summary>
    public static bool TimescaleIsInstalled
    {
        get
        {
            try
            {
                return TimescaleInstalled(FindBinDirectory());
            }
            catch (InvalidOperationException)
            {
                return false; // no server installed at all
            }
        }
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
