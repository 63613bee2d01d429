using System.Diagnostics;

namespace AirQuality.Development;

/// <summary>Runs PostgreSQL's command-line tools; the server tools as the <c>postgres</c> user when this process is root, because the server refuses to run as root.</summary>
static class ProcessRunner
{
    public static bool IsRoot => Environment.UserName == "root";

    public static async Task<string> RunAsync(string file, IReadOnlyList<string> args, CancellationToken cancellationToken, bool asServerUser = false)
    {
        var (exitCode, output) = await TryRunAsync(file, args, cancellationToken, asServerUser);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} failed with exit code {exitCode}:{Environment.NewLine}{output.Trim()}");
        }

        return output;
    }

    public static async Task<(int ExitCode, string Output)> TryRunAsync(string file, IReadOnlyList<string> args, CancellationToken cancellationToken, bool asServerUser = false)
    {
        var psi = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            FileName = asServerUser && IsRoot ? "runuser" : file,
            // The postgres user may not be allowed into the caller's working directory (a checkout in root's home,
            // mode 700), and initdb and pg_ctl complain when they cannot change back to it.
            WorkingDirectory = asServerUser && IsRoot ? "/" : "",
        };
        if (asServerUser && IsRoot)
        {
            foreach (var a in (string[])["-u", "postgres", "--", file])
            {
                psi.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Whether the server user may create files in <paramref name="directory"/> (every folder above it searchable, the folder writable).</summary>
    public static async Task<bool> ServerUserCanWriteAsync(string directory, CancellationToken cancellationToken) =>
        (await TryRunAsync("test", ["-w", directory, "-a", "-x", directory], cancellationToken, asServerUser: true)).ExitCode == 0;
}
