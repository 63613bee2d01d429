using AirQuality.Development;
using AirQuality.Storage;
using AirQuality.Tests.Support;
using Xunit;

namespace AirQuality.IntegrationTests;

/// <summary>The <c>airq</c> program as a user runs it: a separate process, its output and exit code.</summary>
public sealed class CommandLineTests
{
    static (int ExitCode, string Output) Airq(IReadOnlyDictionary<string, string>? environment, params string[] args) => AirqProcess.Run(environment, args);

    [Fact]
    public void Help_lists_every_verb_with_one_line()
    {
        var (exit, output) = Airq(null, "--help");
        Assert.Equal(0, exit);
        foreach (var verb in new[] { "demo", "db", "registry", "broker", "simulate", "ingest", "report" })
        {
            Assert.Matches($@"(?m)^\s+{verb}\s+\S.*$", output);
        }
    }

    [Fact]
    public void A_setting_out_of_range_from_the_environment_stops_with_a_sentence_naming_it()
    {
        var (exit, output) = Airq(new Dictionary<string, string> { ["AIRQ_Ingest__BatchSize"] = "0" }, "db", "info");
        Assert.Equal(2, exit);
        Assert.Contains("Ingest:BatchSize must be between 1 and 100,000 messages.", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ \"Kafka\": { \"SaslPassword\": \"hunter2hunter2\" } }", "Kafka:SaslPassword")]
    [InlineData("{ \"Kafka\": { \"Client\": { \"sasl.password\": \"hunter2hunter2\" } } }", "Kafka:Client:sasl.password")]
    [InlineData("{ \"Database\": { \"ConnectionString\": \"Host=db;Username=airq;Password=hunter2hunter2;Database=airq\" } }", "Database:ConnectionString")]
    public void A_password_in_a_configuration_file_is_refused_with_the_environment_variable_to_use(string json, string setting)
    {
        var directory = Directory.CreateTempSubdirectory("airq-secret-").FullName;
        File.WriteAllText(Path.Combine(directory, "appsettings.json"), json);
        var (exit, output) = AirqProcess.RunIn(directory, null, "db", "info");
        Assert.Equal(2, exit);
        Assert.Contains(setting, output, StringComparison.Ordinal);
        Assert.Contains("Secrets come only from environment variables", output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Kafka_security_settings_that_do_not_fit_together_stop_the_command_with_a_sentence()
    {
        var (exit, output) = Airq(new Dictionary<string, string>
        {
            ["AIRQ_Kafka__SecurityProtocol"] = "sasl_ssl", ["AIRQ_Kafka__SaslMechanism"] = "SCRAM-SHA-512", ["AIRQ_Kafka__SaslUsername"] = "airq",
        }, "db", "info");
        Assert.Equal(2, exit);
        Assert.Contains("AIRQ_KAFKA_SASL_PASSWORD", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_report_setting_out_of_range_stops_with_a_sentence_naming_it()
    {
        var (exit, output) = Airq(new Dictionary<string, string> { ["AIRQ_SMTP_PORT"] = "0" }, "report", "send", "--date", "2026-06-30");
        Assert.Equal(2, exit);
        Assert.Contains("Reports:SmtpPort (or AIRQ_SMTP_PORT) must be between 1 and 65,535", output, StringComparison.Ordinal);

        (exit, output) = Airq(new Dictionary<string, string> { ["AIRQ_Reports__SendAt"] = "25:00" }, "report", "send", "--date", "2026-06-30");
        Assert.Equal(2, exit);
        Assert.Contains("Write a time of day as HH:mm", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_without_a_broker_says_how_to_start_one()
    {
        var (exit, output) = Airq(new Dictionary<string, string> { ["AIRQ_KAFKA_BOOTSTRAP"] = "" }, "simulate", "--days", "0.1");
        Assert.Equal(2, exit);
        Assert.Contains("./airq broker", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_registry_with_a_bad_file_is_refused_with_file_line_and_field()
    {
        var dir = TestRegistry.CopyToTemp();
        File.AppendAllText(Path.Combine(dir, "sources.csv"), "P999,Ghost Works,steel,nowhere,yuzhong-daping,1 Road,29.5,106.5,80,true,20,50,100,5,00:00-24:00\n");
        var lines = File.ReadAllLines(Path.Combine(dir, "sources.csv")).Length;

        // An unreachable database: the files are checked before any connection is made.
        var (exit, output) = Airq(new Dictionary<string, string> { ["AIRQ_DB"] = "Host=127.0.0.1;Port=1;Username=x;Password=x;Database=x" }, "registry", "import", dir);
        Assert.Equal(2, exit);
        Assert.Contains($"sources.csv:{lines}: field 'district_id': unknown id 'nowhere' (not in districts.csv)", output, StringComparison.Ordinal);
        Assert.Contains("nothing was applied", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Db_info_and_db_stop_work_in_a_checkout_inside_a_private_home_folder()
    {
        // A clone in root's home on Debian (mode 700), as the README's quick start has it: when run as root the
        // server runs as postgres, which may not enter the checkout.
        var home = Directory.CreateTempSubdirectory("airq-home-");
        File.SetUnixFileMode(home.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var checkout = Directory.CreateDirectory(Path.Combine(home.FullName, "checkout")).FullName;
        var environment = new Dictionary<string, string> { ["AIRQ_DB"] = "", ["AIRQ_Database__Timescale"] = "off" };
        try
        {
            var (exit, output) = AirqProcess.RunIn(checkout, environment, "db", "info");
            Assert.True(exit == 0, output);
            Assert.DoesNotContain("Permission denied", output, StringComparison.Ordinal);
            Assert.Contains("Migrations:", output, StringComparison.Ordinal);

            (exit, output) = AirqProcess.RunIn(checkout, environment, "db", "stop");
            Assert.True(exit == 0, output);
            Assert.Contains("Stopped the private cluster", output, StringComparison.Ordinal);
        }
        finally
        {
            if (PrivateCluster.Existing(Path.Combine(checkout, ".airq", "pg")) is { } cluster)
            {
                await cluster.DeleteAsync(CancellationToken.None);
            }

            home.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("01/11/2026", "simulate", "--from")]
    [InlineData("2026-13-01", "anomalies", "--date")]
    [InlineData("1 Nov 2026", "report", "send", "--date")]
    public void A_date_not_written_yyyy_MM_dd_is_refused_with_the_form_to_use(string value, params string[] command)
    {
        var (exit, output) = Airq(new Dictionary<string, string> { ["AIRQ_DB"] = "Host=127.0.0.1;Port=1;Username=x;Password=x;Database=x" }, [.. command, value]);
        Assert.NotEqual(0, exit);
        Assert.Contains($"{command[^1]}: '{value}' is not a date written yyyy-MM-dd", output, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Numbers_out_of_range_or_not_numbers_are_refused_in_words_without_dotnet_residue()
    {
        var unreachable = new Dictionary<string, string> { ["AIRQ_DB"] = "Host=127.0.0.1;Port=1;Username=x;Password=x;Database=x", ["AIRQ_KAFKA_BOOTSTRAP"] = "" };
        string Refused(params string[] args)
        {
            var (exit, output) = Airq(unreachable, args);
            Assert.NotEqual(0, exit);
            foreach (var residue in new[] { "(Parameter", "Actual value was", "System.", "Cannot parse argument" })
            {
                Assert.DoesNotContain(residue, output, StringComparison.Ordinal);
            }

            return output;
        }

        Assert.Contains("--days must be more than 0 and at most 400", Refused("simulate", "--days", "0"), StringComparison.Ordinal);
        Assert.Contains("--speed must be 0 (as fast as possible) or a positive number", Refused("simulate", "--speed", "-1"), StringComparison.Ordinal);
        Assert.Contains("--seed: 'seven' is not a whole number", Refused("simulate", "--seed", "seven"), StringComparison.Ordinal);
        Assert.Contains("--every: 'five minutes' is not a duration; write hh:mm:ss", Refused("aggregate", "--every", "five minutes"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_library_error_names_the_setting_and_the_command_line_adds_the_command_to_run()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"airq-no-model-{Guid.NewGuid():N}", "model.json");
        var (exit, output) = Airq(new Dictionary<string, string>
        {
            ["AIRQ_DB"] = "Host=127.0.0.1;Port=1;Username=x;Password=x;Database=x",
            ["AIRQ_Attribution__ModelPath"] = missing,
        }, "attribute", "--date", "2026-06-30");

        Assert.Equal(1, exit);
        // The library's sentence (the file and its configuration key), then the command that makes one.
        Assert.Contains($"error: No attribution model at {missing} (Attribution:ModelPath): none has been trained there. Train one with ./airq model train", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulation_settings_refused_by_the_library_are_named_by_their_flag()
    {
        var (exit, output) = Airq(new Dictionary<string, string> { ["AIRQ_KAFKA_BOOTSTRAP"] = "" }, "simulate", "--faults", "malformed=0.01,sideways=0.1");

        Assert.NotEqual(0, exit);
        Assert.Contains("--faults: 'malformed=0.01,sideways=0.1' is not a fault list. The faults are malformed, duplicate, late, out-of-order and unknown-sensor.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_command_that_needs_no_database_runs_where_none_can_be_reached()
    {
        var output = Directory.CreateTempSubdirectory("airq-generated-").FullName;
        var (exit, printed) = Airq(new Dictionary<string, string> { ["AIRQ_DB"] = "Host=127.0.0.1;Port=1;Username=x;Password=x;Database=x" }, "registry", "generate", "--out", output, "--seed", "3");

        Assert.True(exit == 0, printed);
        Assert.Contains("Wrote ", printed, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(output, "sensors.csv")));
    }

    [Fact]
    public void Demo_help_gives_the_two_days_it_simulates_as_the_default()
    {
        var (exit, output) = Airq(null, "demo", "--help");
        Assert.Equal(0, exit);
        Assert.Matches(@"(?m)^\s*--days\b.*\[default: 2\]", output);
    }
}
