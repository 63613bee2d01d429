using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;

namespace AirQuality.Tests.Support;

/// <summary>
/// A real SMTP server for a test: <c>smtp_sink.py</c> (aiosmtpd) on a free port of 127.0.0.1, storing each accepted
/// message in a folder of its own, parsed by Python's <c>email</c> package. It can be told to refuse the next
/// messages. Nothing here sleeps to synchronise: it waits for the server's own lines and for its files, with limits.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    /// <summary>Debian's interpreter, which has python3-aiosmtpd (make setup installs it).</summary>
    const string Python = "/usr/bin/python3";

    static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    readonly Process _process;
    readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    readonly System.Text.StringBuilder _errors = new();

    SmtpSink(Process process, string folder)
    {
        _process = process;
        Folder = folder;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _lines.Writer.TryComplete();
            }
            else
            {
                _lines.Writer.TryWrite(e.Data);
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_errors)
            {
                _errors.AppendLine(e.Data);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Folder { get; }

    public int Port { get; private set; }

    /// <summary>
    /// Starts the sink; with <paramref name="auth"/> ("user:password") it requires that login, and with
    /// <paramref name="tls"/> (PEM certificate and key files) it requires STARTTLS first, or with <paramref name="implicitTls"/>
    /// speaks TLS from the first byte (SMTPS). It offers SMTPUTF8 (non-ASCII
    /// addresses and headers), as aiosmtpd's Controller does by default, unless <paramref name="smtpUtf8"/> is false.
    /// </summary>
    public static async Task<SmtpSink> StartAsync(string? auth = null, (string Certificate, string Key)? tls = null, bool smtpUtf8 = true, bool implicitTls = false)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "smtp_sink.py");
        var folder = Path.Combine(Path.GetTempPath(), $"airq-smtp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var psi = new ProcessStartInfo(Python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(folder);
        if (auth is not null)
        {
            psi.ArgumentList.Add("--auth");
            psi.ArgumentList.Add(auth);
        }

        if (tls is { } t)
        {
            psi.ArgumentList.Add(implicitTls ? "--implicit-tls" : "--tls");
            psi.ArgumentList.Add(t.Certificate);
            psi.ArgumentList.Add(t.Key);
        }

        if (!smtpUtf8)
        {
            psi.ArgumentList.Add("--no-smtputf8");
        }

        var sink = new SmtpSink(Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {Python}."), folder);
        var ready = await sink.ReadLineAsync("ready ");
        sink.Port = int.Parse(ready["ready ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        return sink;
    }

    /// <summary>Makes the sink answer the next <paramref name="count"/> messages with <paramref name="reply"/> ("451 4.3.0 Try again later").</summary>
    public async Task RefuseNextAsync(int count, string reply)
    {
        await _process.StandardInput.WriteLineAsync($"refuse {count} {reply}");
        await _process.StandardInput.FlushAsync();
        await ReadLineAsync("ok");
    }

    /// <summary>The messages accepted so far, in order.</summary>
    public IReadOnlyList<ReceivedMail> Messages() =>
        [.. Directory.GetFiles(Folder, "*.json").Order(StringComparer.Ordinal).Select(f => ReceivedMail.Parse(File.ReadAllText(f), Path.ChangeExtension(f, ".eml")))];

    /// <summary>Waits until at least <paramref name="count"/> messages were accepted; fails with what it has after 30 s.</summary>
    public async Task<IReadOnlyList<ReceivedMail>> WaitForMessagesAsync(int count)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var messages = Messages();
            if (messages.Count >= count)
            {
                return messages;
            }

            if (watch.Elapsed > Limit || _process.HasExited)
            {
                throw new TimeoutException($"The SMTP sink received {messages.Count} of {count} expected messages within {Limit.TotalSeconds} s (exited: {_process.HasExited}). Its errors: {Errors}");
            }

            await Task.Delay(50); // polling a folder the sink writes with atomic renames; bounded by Limit
        }
    }

    string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    async Task<string> ReadLineAsync(string prefix)
    {
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            while (await _lines.Reader.WaitToReadAsync(timeout.Token))
            {
                while (_lines.Reader.TryRead(out var line))
                {
                    if (line.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        return line;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The SMTP sink did not print '{prefix}' within {Limit.TotalSeconds} s. Its errors: {Errors}");
        }

        throw new InvalidOperationException($"The SMTP sink stopped before printing '{prefix}' (is python3-aiosmtpd installed? make setup installs it). Its errors: {Errors}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await _process.StandardInput.WriteLineAsync("quit");
                await _process.StandardInput.FlushAsync();
            }
            catch (IOException)
            {
                // Already gone.
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
            }
        }

        _process.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
