using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AirQuality.Ingest;
using AirQuality.Simulation.Fuzzing;
using AirQuality.Ingest.Validation;
using Microsoft.Extensions.DependencyInjection;

namespace AirQuality.Cli.Commands;

/// <summary><c>airq bench fuzz</c>: the validator's fuzz test for longer, with any seed (the worker's fuzz runs in the integration tests).</summary>
static class FuzzBenchmark
{
    public static Command Create()
    {
        var messages = new Option<long>("--messages") { Description = "Generated messages to validate.", DefaultValueFactory = _ => 1_000_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the generator; the same seed gives the same messages.", DefaultValueFactory = _ => 1 };
        var command = new Command("fuzz", "Validate generated hostile messages (mutated readings, batches and telemetry, invalid UTF-8, truncations, deep nesting, odd numbers and timestamps): each must pass within the contract or be rejected with a reason.")
        {
            messages, seed,
        };
        command.SetAction((parse, ct) => AirqCommandLine.RunAsync(async token =>
        {
            var count = parse.GetValue(messages);
            if (count is < 1 or > 1_000_000_000)
            {
                throw new UsageException("--messages must be between 1 and 1,000,000,000.");
            }

            using var host = await AirqHost.BuildAsync(AirqConfiguration.Load(), new Dictionary<string, string?>(), HostNeeds.Nothing, token);
            var time = host.Services.GetRequiredService<TimeProvider>();
            var now = time.GetUtcNow();
            // Ids shaped like the shipped registry's; a few in the generator are unknown to the validator.
            var sensors = Enumerable.Range(1, 540).Select(i => $"S{i:0000}").ToList();
            var sources = Enumerable.Range(1, 233).Select(i => $"P{i:000}").ToList();
            var validator = new MessageValidator(new KnownIds(sensors), new KnownIds(sources), new IngestOptions(), time);
            var fuzzer = new MessageFuzzer(parse.GetValue(seed), [.. sensors, "S9999"], [.. sources, "P999"], now);
            var (accepted, failures) = (0L, 0L);
            var reasons = new SortedDictionary<string, long>(StringComparer.Ordinal);
            var watch = Stopwatch.StartNew();
            for (var i = 0L; i < count && !token.IsCancellationRequested; i++)
            {
                var (topic, value) = fuzzer.Next();
                try
                {
                    var result = validator.Validate(topic, value);
                    accepted += result.Readings.Count + result.Telemetry.Count;
                    foreach (var rejection in result.Rejections)
                    {
                        reasons[rejection.Reason] = reasons.GetValueOrDefault(rejection.Reason) + 1;
                    }
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // What would have stopped an ingest worker: printed so that it can be replayed and fixed.
                    failures++;
                    Console.WriteLine($"Message {i:N0} on {topic} threw {e.GetType().Name}: {e.Message}{Environment.NewLine}  {Convert.ToHexString(value)}");
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Fuzz (seed {parse.GetValue(seed)}): {count:N0} messages in {watch.Elapsed.TotalSeconds:0.0} s ({count / watch.Elapsed.TotalSeconds:N0}/s); {accepted:N0} records accepted; rejected {string.Join(", ", reasons.Select(r => $"{r.Key} {r.Value:N0}"))}; {failures:N0} threw."));
            return failures == 0 ? 0 : 1;
        }, ct));
        return command;
    }
}
