using System.Net;
using System.Net.Sockets;
using System.Text;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace AirQuality.Reports;

/// <summary>
/// Sends through an SMTP server with MailKit: one connection for a run's reports (reopened when the server has
/// closed it or it sat idle), STARTTLS or implicit TLS as <see cref="ReportOptions"/> say, a login when credentials are
/// given, 8BITMIME and SMTPUTF8 where the server offers them, and a failure classed by the server's reply code.
/// </summary>
/// <remarks>
/// The message is built by <see cref="ReportMessage"/>. MailKit picks each text part's transfer encoding for the
/// server: 8bit where it offers 8BITMIME, quoted-printable otherwise. A recipient with a non-ASCII local part
/// (执法一队@example.org) needs SMTPUTF8; a server that does not offer it fails that send permanently.
/// </remarks>
public sealed class SmtpMailSender : IMailSender, IAsyncDisposable, IDisposable
{
    /// <summary>A connection idle for longer is closed and opened again: servers drop idle clients after a minute or more (RFC 5321 §4.5.3.2.7 asks them to wait 5).</summary>
    static readonly TimeSpan ReuseWithin = TimeSpan.FromSeconds(30);

    readonly ReportOptions _options;
    readonly NetworkCredential? _credentials;
    readonly SemaphoreSlim _gate = new(1, 1);
    SmtpClient? _client;
    DateTime _lastUsedUtc;

    public SmtpMailSender(ReportOptions options, NetworkCredential? credentials)
    {
        // A password sent without TLS can be read by anyone on the path; only a server on this machine is exempt.
        if (credentials is not null && !options.StartTls && !options.ImplicitTls && !IsLoopback(options.SmtpHost))
        {
            throw new ArgumentOutOfRangeException(nameof(credentials),
                $"SMTP credentials are set but neither Reports:StartTls nor Reports:ImplicitTls is on, so the password would cross the network to {options.SmtpHost} in clear text; turn one on.");
        }

        _options = options;
        _credentials = credentials;
    }

    public async Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        using var message = ReportMessage.Build(mail);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var client = await ConnectedAsync(cancellationToken);
            var needUtf8 = mail.To.Append(mail.FromAddress).Where(NeedsSmtpUtf8).ToList();
            if (needUtf8.Count > 0 && !client.Capabilities.HasFlag(SmtpCapabilities.UTF8))
            {
                // The address cannot be downgraded, so retrying cannot help.
                throw new MailSendException(
                    $"SMTP server {Server} does not offer SMTPUTF8, which {string.Join(", ", needUtf8)} (non-ASCII before the '@') needs, "
                    + "so the report cannot be sent through it: give the team an ASCII address in teams.csv, or use a server that supports SMTPUTF8",
                    null, transient: false);
            }

            await client.SendAsync(FormatOptions.Default, message, cancellationToken);
            _lastUsedUtc = DateTime.UtcNow;
        }
        catch (SmtpCommandException e)
        {
            // The server answered with a code: 4xx asks to try later, 5xx refuses. The connection stays usable after a
            // refused message, but a fresh one costs little and leaves nothing half-said.
            await DropAsync();
            var code = (int)e.StatusCode;
            throw new MailSendException($"SMTP {code} from {Server}: {e.Message}", code, transient: code is >= 400 and < 500, e);
        }
        catch (SslHandshakeException e)
        {
            await DropAsync();
            throw new MailSendException(
                $"TLS with SMTP server {Server} failed: its certificate is not trusted here or does not name {_options.SmtpHost} ({e.InnerException?.Message ?? e.Message}). "
                + "Use the host name the certificate is made for, or add its issuer to this machine's trusted certificates", null, transient: false, e);
        }
        catch (AuthenticationException e)
        {
            await DropAsync();
            throw new MailSendException(
                $"SMTP server {Server} refused the login of AIRQ_SMTP_USER: {e.Message} (check AIRQ_SMTP_USER and AIRQ_SMTP_PASSWORD)", 535, transient: false, e);
        }
        catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or ServiceNotConnectedException or TimeoutException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // No SMTP reply: the server could not be reached, the connection broke or the attempt timed out. Worth another try.
            await DropAsync();
            throw new MailSendException(
                $"SMTP server {Server} could not be reached or dropped the connection: {e.Message} "
                + "(the server is set by AIRQ_SMTP_HOST and AIRQ_SMTP_PORT, or Reports:SmtpHost and Reports:SmtpPort)", null, transient: true, e);
        }
        catch (MailSendException)
        {
            throw;
        }
        catch
        {
            await DropAsync();
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    string Server => $"{_options.SmtpHost}:{_options.SmtpPort}";

    async Task<SmtpClient> ConnectedAsync(CancellationToken cancellationToken)
    {
        if (_client is { IsConnected: true } open && DateTime.UtcNow - _lastUsedUtc < ReuseWithin)
        {
            return open;
        }

        await DropAsync();
        var client = new SmtpClient { Timeout = (int)_options.SendTimeout.TotalMilliseconds };
        try
        {
            var security = _options.ImplicitTls ? SecureSocketOptions.SslOnConnect : _options.StartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None;
            await client.ConnectAsync(_options.SmtpHost, _options.SmtpPort, security, cancellationToken);
            if (_credentials is not null)
            {
                await client.AuthenticateAsync(_credentials, cancellationToken);
            }
        }
        catch
        {
            client.Dispose();
            throw;
        }

        _client = client;
        _lastUsedUtc = DateTime.UtcNow;
        return client;
    }

    /// <summary>Closes the connection, saying QUIT when it is still open; a failure to say it changes nothing.</summary>
    async Task DropAsync()
    {
        if (_client is not { } client)
        {
            return;
        }

        _client = null;
        try
        {
            if (client.IsConnected)
            {
                using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await client.DisconnectAsync(quit: true, quick.Token);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or SmtpCommandException or OperationCanceledException or ServiceNotConnectedException)
        {
            // The connection is being thrown away; the server will time it out.
        }
        finally
        {
            client.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            await DropAsync();
        }
        finally
        {
            _gate.Release();
            _gate.Dispose();
        }
    }

    /// <summary>For a host disposed without await: the same as <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Whether <paramref name="address"/> has non-ASCII characters before its '@' (a non-ASCII domain can travel as punycode instead).</summary>
    static bool NeedsSmtpUtf8(string address) => !Ascii.IsValid(address.AsSpan(0, Math.Max(0, address.LastIndexOf('@'))));

    static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}
