using System.CommandLine;
using AirQuality.Contracts;
using AirQuality.Development;
using AirQuality.Ingest.Kafka;

namespace AirQuality.Cli.Commands;

/// <summary><c>airq broker</c>: the embedded Kafka-protocol broker as a process of its own, for clients in other processes.</summary>
static class BrokerCommand
{
    public static Command Create()
    {
        var brokers = new Option<int>("--brokers") { Description = "Number of mock brokers in the cluster.", DefaultValueFactory = _ => 1 };
        var command = new Command("broker", "Run the embedded Kafka-protocol broker until Ctrl+C and print its bootstrap address.") { brokers };
        command.SetAction((parse, ct) => AirqCommandLine.RunAsync(async token =>
        {
            // No database; the broker this command runs is its own, for clients in other processes.
            using var host = await AirqHost.BuildAsync(AirqConfiguration.Load(), new Dictionary<string, string?>(), HostNeeds.Nothing, token);
            using var broker = EmbeddedBroker.Start(parse.GetValue(brokers));
            foreach (var topic in Topics.All)
            {
                broker.CreateTopic(topic, Topics.DefaultPartitions);
            }

            Console.WriteLine($"Kafka-protocol broker (librdkafka mock cluster) listening on {broker.BootstrapServers}");
            Console.WriteLine($"Topics: {string.Join(", ", Topics.All)} ({Topics.DefaultPartitions} partitions each). Everything is in memory and gone when this stops.");
            Console.WriteLine($"In another terminal: export AIRQ_KAFKA_BOOTSTRAP={broker.BootstrapServers}");
            Console.Out.Flush();
            try
            {
                await Task.Delay(Timeout.Infinite, token);
            }
            catch (OperationCanceledException)
            {
            }

            Console.WriteLine("Broker stopped.");
            return 0;
        }, ct));
        return command;
    }
}
