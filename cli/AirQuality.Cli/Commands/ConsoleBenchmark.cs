using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using AirQuality.EnforcementConsole;
using AirQuality.Storage;
using AirQuality.Storage.Registry;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AirQuality.Cli.Commands;

/// <summary>
/// <c>airq bench console</c>: the today page of a district lead whose district has 80 sensors and 30 days of flags,
/// dispatches and findings, served by the console in this process against a scratch database; many requests, timed by
/// the console's own <c>Server-Timing</c> and by the client, against the 300 ms target of issue 23.
/// </summary>
static partial class ConsoleBenchmark
{
    const double TargetMs = 300;

    public static Command Create()
    {
        var sensors = new Option<int>("--sensors") { Description = "Sensors in the district (its registered ones, then generated ones).", DefaultValueFactory = _ => 80 };
        var days = new Option<int>("--days") { Description = "Days of episodes, flags, dispatches and findings.", DefaultValueFactory = _ => 30 };
        var requests = new Option<int>("--requests") { Description = "Timed requests of the today page, one after another.", DefaultValueFactory = _ => 500 };
        var warmup = new Option<int>("--warmup") { Description = "Requests first, not timed (the page's code compiled and optimised, the connection pool filled).", DefaultValueFactory = _ => 100 };
        var command = new Command("console", "Time the console's today page for a district lead: 80 sensors, 30 days of flags, dispatches and findings, in a scratch database; median, p95 and p99 server time against 300 ms.")
        {
            sensors, days, requests, warmup,
        };
        command.SetAction((parse, ct) => AirqCommandLine.RunAsync(async token =>
        {
            var (sensorCount, dayCount, timed, warm) = (parse.GetValue(sensors), parse.GetValue(days), parse.GetValue(requests), parse.GetValue(warmup));
            if (sensorCount is < 48 or > 2000)
            {
                throw new UsageException("--sensors must be between 48 (the shipped district's own) and 2,000.");
            }

            if (dayCount is < 1 or > 365)
            {
                throw new UsageException("--days must be between 1 and 365.");
            }

            if (timed is < 10 or > 100_000 || warm is < 0 or > 100_000)
            {
                throw new UsageException("--requests must be between 10 and 100,000, --warmup between 0 and 100,000.");
            }

            using var host = await AirqHost.BuildAsync(AirqConfiguration.Load(), new Dictionary<string, string?>(), new HostNeeds(DatabaseMode.ServerOnly), token);
            var services = host.Services;
            var serverConnectionString = services.GetRequiredService<DatabaseServer>().ConnectionString;
            await using var scratch = await BenchCommand.FreshDatabaseAsync(services.GetRequiredService<NpgsqlDataSource>(), serverConnectionString, token);
            await new Migrator(scratch.DataSource, services.GetRequiredService<DatabaseOptions>()).MigrateAsync(null, token);
            await new RegistryStore(scratch.DataSource).UpsertAsync(RegistryCsv.Load(AirqConfiguration.DefaultRegistryDirectory), token);
            var options = new ConsoleOptions();
            var password = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18));
            Progress.Line($"Filling a scratch database: district {ConsoleBenchCity.District} with {sensorCount} sensors, {dayCount} days of episodes, flags, dispatches and findings ...");
            var setup = Stopwatch.StartNew();
            var day = await ConsoleBenchCity.CreateAsync(scratch.DataSource, sensorCount, dayCount, password, options.Zone, token);
            Progress.Line($"... filled in {setup.Elapsed.TotalSeconds:F0} s.");

            var connectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = new NpgsqlConnectionStringBuilder(scratch.DataSource.ConnectionString).Database }.ConnectionString;
            await using var app = ConsoleApp.Create("http://127.0.0.1:0", connectionString, options);
            await app.StartAsync(token);
            try
            {
                var address = new Uri(app.Urls.Single());
                using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
                using var client = new HttpClient(handler) { BaseAddress = address };
                await SignInAsync(client, password, token);
                var page = $"/teams/{ConsoleBenchCity.Team}/today";
                var (first, html) = await GetAsync(client, page, token);
                Progress.Line($"Today page for {day:yyyy-MM-dd}: {html.Length / 1024.0:F0} KiB, {Regex.Count(html, "<circle class=\"sensor\"")} sensors on the map, {Regex.Count(html, "<section class=\"source\"")} sources to inspect, {Regex.Count(html, "class=\"chart\"")} episode charts; first request {first.Server:F0} ms.");
                Progress.Line($"Warming up with {warm} requests, then timing {timed} ...");
                for (var i = 0; i < warm; i++)
                {
                    await GetAsync(client, page, token);
                }

                var server = new double[timed];
                var roundTrip = new double[timed];
                for (var i = 0; i < timed; i++)
                {
                    ((server[i], roundTrip[i]), _) = await GetAsync(client, page, token);
                }

                Array.Sort(server);
                Array.Sort(roundTrip);
                Console.WriteLine();
                Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}; console and PostgreSQL on this machine; {timed} requests one after another after {warm} to warm up.");
                Console.WriteLine($"Today page of {ConsoleBenchCity.Team} as its district lead: {sensorCount} sensors, {dayCount} days of flags ({ConsoleBenchCity.EpisodesPerDay} episodes a day).");
                Console.WriteLine($"Server time (Server-Timing):  median {Percentile(server, 0.5),7:F1} ms   p95 {Percentile(server, 0.95),7:F1} ms   p99 {Percentile(server, 0.99),7:F1} ms   max {server[^1],7:F1} ms");
                Console.WriteLine($"Round trip (client, loopback): median {Percentile(roundTrip, 0.5),6:F1} ms   p95 {Percentile(roundTrip, 0.95),7:F1} ms   p99 {Percentile(roundTrip, 0.99),7:F1} ms");
                var p99 = Percentile(server, 0.99);
                Console.WriteLine(p99 < TargetMs
                    ? $"Target: under {TargetMs:F0} ms server time: met at p99 ({p99:F1} ms)."
                    : $"Target: under {TargetMs:F0} ms server time: NOT met at p99 ({p99:F1} ms).");
                return 0;
            }
            finally
            {
                await app.StopAsync(CancellationToken.None);
            }
        }, ct));
        return command;
    }

    static async Task SignInAsync(HttpClient client, string password, CancellationToken cancellationToken)
    {
        var form = await client.GetStringAsync(new Uri("/signin", UriKind.Relative), cancellationToken);
        var token = TokenField().Match(form) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException("The sign-in page has no anti-forgery token.");
        using var content = new FormUrlEncodedContent([new("__airq_token", token), new("name", ConsoleBenchCity.Lead), new("password", password)]);
        using var response = await client.PostAsync(new Uri("/signin", UriKind.Relative), content, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Signing in as {ConsoleBenchCity.Lead} answered {(int)response.StatusCode}, not a redirect.");
        }
    }

    /// <summary>The page's server time (its Server-Timing) and the client's round trip, in ms, and the page.</summary>
    static async Task<((double Server, double RoundTrip) Times, string Html)> GetAsync(HttpClient client, string path, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        var html = await response.Content.ReadAsStringAsync(cancellationToken);
        var roundTrip = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {html[..Math.Min(html.Length, 300)]}");
        }

        var timing = response.Headers.TryGetValues("Server-Timing", out var values) ? values.Single() : throw new InvalidOperationException($"{path} has no Server-Timing header.");
        return ((double.Parse(timing["app;dur=".Length..], CultureInfo.InvariantCulture), roundTrip), html);
    }

    /// <summary>Linear interpolation between the closest ranks of sorted values.</summary>
    static double Percentile(double[] sorted, double p)
    {
        var rank = p * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }

    [GeneratedRegex("name=\"__airq_token\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
