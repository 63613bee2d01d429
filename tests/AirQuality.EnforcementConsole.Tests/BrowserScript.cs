using System.Diagnostics;
using System.Text.Json.Nodes;
using AirQuality.Tests.Support;

namespace AirQuality.EnforcementConsole.Tests;

/// <summary>Runs a script of <c>tests/browser</c> with Node.js and reads the one JSON object it prints.</summary>
public static class BrowserScript
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    public static string Folder => Path.Combine(TestRegistry.RepositoryRoot, "tests", "browser");

    public static string PlaywrightModule => Path.Combine(Folder, "node_modules", "playwright-core");

    /// <summary>Node.js from PATH, or null.</summary>
    public static string? Node => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
        .Select(dir => Path.Combine(dir, "node")).FirstOrDefault(File.Exists);

    /// <summary>The script's exit code, its JSON output (null when it printed none) and its standard error.</summary>
    public static async Task<(int ExitCode, JsonObject? Output, string Error)> RunAsync(string script, IReadOnlyDictionary<string, string> environment)
    {
        var psi = new ProcessStartInfo(Node ?? throw new InvalidOperationException("Node.js is not on PATH."))
        {
            WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(Folder, script));
        foreach (var (name, value) in environment)
        {
            psi.Environment[name] = value;
        }

        using var process = Process.Start(psi)!;
        using var timeout = new CancellationTokenSource(Limit);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish within {Limit.TotalMinutes} minutes.");
        }

        var lastLine = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        return (process.ExitCode, lastLine is null ? null : JsonNode.Parse(lastLine) as JsonObject, await stderr);
    }
}
