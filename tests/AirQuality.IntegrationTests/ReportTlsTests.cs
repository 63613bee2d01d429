using System.Diagnostics;
using AirQuality.Storage.Registry;
using AirQuality.Tests.Support;
using Xunit;

namespace AirQuality.IntegrationTests;

/// <summary>
/// <c>airq report send</c> against an SMTP server that requires STARTTLS (or speaks TLS from the first byte, as on
/// port 465) and a login, with a certificate made for
/// the test: trusted (through <c>SSL_CERT_FILE</c>, which .NET on Linux reads for its root store) it sends; not
/// trusted it refuses to send, so the upgrade is real and the certificate is checked.
/// </summary>
[Collection(DatabaseTests.Name)]
public sealed class ReportTlsTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_report_goes_over_TLS_with_a_login_and_an_untrusted_certificate_stops_it(bool implicitTls)
    {
        var folder = Directory.CreateTempSubdirectory("airq-tls-");
        try
        {
            var (certificate, key) = (Path.Combine(folder.FullName, "cert.pem"), Path.Combine(folder.FullName, "key.pem"));
            MakeCertificate(certificate, key);
            await using var db = await postgres.NewDatabaseAsync();
            var registry = TestRegistry.Shipped();
            await new RegistryStore(db).UpsertAsync(registry, CancellationToken.None);
            var team = registry.Teams[0];
            await using var sink = await SmtpSink.StartAsync(auth: "airq-mail:tls-test-pass", tls: (certificate, key), implicitTls: implicitTls);
            Dictionary<string, string> Environment(bool trusted)
            {
                var environment = new Dictionary<string, string>
                {
                    ["AIRQ_DB"] = postgres.ConnectionString(db),
                    ["AIRQ_SMTP_HOST"] = "localhost",
                    ["AIRQ_SMTP_PORT"] = sink.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["AIRQ_SMTP_USER"] = "airq-mail",
                    ["AIRQ_SMTP_PASSWORD"] = "tls-test-pass",
                    ["AIRQ_Reports__MaxAttempts"] = "1",
                    ["AIRQ_Reports__ImplicitTls"] = implicitTls ? "true" : "false",
                    // Only this certificate is trusted in the child process (or, untrusted, only an empty file).
                    ["SSL_CERT_DIR"] = folder.CreateSubdirectory("no-certificates").FullName,
                };
                environment["SSL_CERT_FILE"] = trusted ? certificate : Path.Combine(folder.FullName, "none.pem");
                return environment;
            }

            File.WriteAllText(Path.Combine(folder.FullName, "none.pem"), "");
            var (refused, refusedOutput) = AirqProcess.Run(Environment(trusted: false), "report", "send", "--date", "2026-06-30", "--team", team.TeamId);
            Assert.True(refused != 0, refusedOutput);
            Assert.Contains("1 failed", refusedOutput, StringComparison.Ordinal);
            Assert.Contains("certificate", refusedOutput, StringComparison.OrdinalIgnoreCase);

            var (code, output) = AirqProcess.Run(Environment(trusted: true), "report", "send", "--date", "2026-06-30", "--team", team.TeamId, "--force");
            Assert.True(code == 0, output);
            Assert.Contains(implicitTls ? "(implicit TLS, authenticated)" : "(STARTTLS, authenticated)", output, StringComparison.Ordinal);
            var mail = Assert.Single(await sink.WaitForMessagesAsync(1));
            Assert.True(mail.Tls, "The message arrived without TLS.");
            Assert.Equal("airq-mail", mail.Login);
            Assert.Equal(team.RecipientEmails, mail.RcptTos);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    static void MakeCertificate(string certificate, string key)
    {
        var psi = new ProcessStartInfo("openssl") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", certificate })
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"openssl could not make a test certificate: {errors}");
    }
}
