using System.Diagnostics;
using System.Text;
using Xunit;

namespace AirQuality.IntegrationTests;

/// <summary>The <c>airq</c> program (built beside the tests) running as a child process, its output collected.</summary>
sealed class AirqProcess : IDisposable
{
    readonly Process _process;
    readonly StringBuilder _output = new();

    AirqProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public static AirqProcess Start(IReadOnlyDictionary<string, string>? environment, params string[] args) => StartIn(null, environment, args);

    /// <summary>Starts <c>airq</c> in <paramref name="workingDirectory"/> (where it reads an <c>appsettings.json</c>), or the current one.</summary>
    public static AirqProcess StartIn(string? workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory ?? "" };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "airq.dll"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        return new AirqProcess(Process.Start(psi)!);
    }

    /// <summary>Runs to completion (at most a minute) and returns the exit code and everything printed.</summary>
    public static (int ExitCode, string Output) Run(IReadOnlyDictionary<string, string>? environment, params string[] args) => RunIn(null, environment, args);

    public static (int ExitCode, string Output) RunIn(string? workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var process = StartIn(workingDirectory, environment, args);
        var exit = process.WaitForExit(TimeSpan.FromMinutes(1));
        return (exit, process.Output);
    }

    public int WaitForExit(TimeSpan limit)
    {
        Assert.True(_process.WaitForExit(limit), $"airq did not exit within {limit}. Output so far:{Environment.NewLine}{Output}");
        _process.WaitForExit(); // drains the output readers
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no flush, no commit, no goodbye.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM, as a service manager stops a worker, and waits for the exit code.</summary>
    public int Terminate(TimeSpan limit)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        return WaitForExit(limit);
    }

    void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
