using System.Globalization;
using System.Text;
using AirQuality.Storage.Registry;
using AirQuality.Tests.Support;
using Xunit;

namespace AirQuality.IntegrationTests;

/// <summary><c>airq report send</c> as a separate process: teams that fail do not stop the others, and the exit code counts them.</summary>
[Collection(DatabaseTests.Name)]
public sealed class ReportSendTests(PostgresFixture postgres)
{
    [Fact]
    public async Task The_exit_code_is_the_number_of_teams_whose_report_failed_and_every_other_team_is_sent()
    {
        await using var db = await postgres.NewDatabaseAsync();
        // Two teams with a mailbox only SMTPUTF8 can reach (accepted at import), sent through a server without it.
        var folder = TestRegistry.CopyToTemp();
        var teams = Path.Combine(folder, "teams.csv");
        File.WriteAllText(teams, File.ReadAllText(teams)
            .Replace("duty.jiangbei@airq.example.org", "江北执法@airq.example.org", StringComparison.Ordinal)
            .Replace("duty.yuzhong@airq.example.org", "渝中执法@airq.example.org", StringComparison.Ordinal));
        await using var sink = await SmtpSink.StartAsync(smtpUtf8: false);
        var environment = new Dictionary<string, string>
        {
            ["AIRQ_DB"] = postgres.ConnectionString(db),
            ["AIRQ_SMTP_HOST"] = "127.0.0.1",
            ["AIRQ_SMTP_PORT"] = sink.Port.ToString(CultureInfo.InvariantCulture),
            ["AIRQ_Reports__StartTls"] = "false",
        };

        var (imported, importOutput) = AirqProcess.Run(environment, "registry", "import", folder);
        Assert.True(imported == 0, importOutput);
        var (code, output) = AirqProcess.Run(environment, "report", "send", "--date", "2026-06-30");

        var others = RegistryCsv.Load(folder).Teams.Count - 2;
        Assert.True(code == 2, $"exit code {code}:{Environment.NewLine}{output}");
        Assert.Contains($"Reports: {others} sent, 0 skipped, 2 failed.", output, StringComparison.Ordinal);
        Assert.Contains("team-jiangbei 2026-06-30: NOT SENT, refused permanently: SMTP server 127.0.0.1", output, StringComparison.Ordinal);
        Assert.Contains("does not offer SMTPUTF8, which 江北执法@airq.example.org", output, StringComparison.Ordinal);
        var messages = await sink.WaitForMessagesAsync(others);
        Assert.Equal(others, messages.Count);
        Assert.All(messages, m => Assert.All(m.RcptTos, r => Assert.True(Ascii.IsValid(r), r)));
        Directory.Delete(folder, recursive: true);
    }
}
