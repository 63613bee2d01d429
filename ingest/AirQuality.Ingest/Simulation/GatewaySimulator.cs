using System.Text.Json;
using AirQuality.Contracts;
using AirQuality.Ingest.Kafka;
using AirQuality.Storage.Registry;
using Confluent.Kafka;

namespace AirQuality.Ingest.Simulation;

/// <summary>
/// Plays the city's sensor gateways: publishes every registry sensor's readings for a period to
/// <see cref="Topics.SensorReadings"/>, keyed by sensor id, in time order.
/// </summary>
public sealed class GatewaySimulator(string bootstrapServers, KafkaOptions kafkaOptions, TimeProvider time)
{
    /// <summary>Messages sent so far by the running simulation.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    long _sent;

    public async Task<SimulationSummary> RunAsync(CityRegistry registry, SimulationOptions options, CancellationToken cancellationToken)
    {
        options.Validate();
        var world = new AirQualityWorld(registry, options.Seed);
        var end = options.Start + options.Duration;
        long failures = 0;
        using var producer = new ProducerBuilder<string, byte[]>(KafkaClients.Producer(bootstrapServers, kafkaOptions)).Build();
        var started = time.GetTimestamp();
        var step = TimeSpan.FromSeconds(registry.Sensors.Select(s => s.ReportingIntervalS).Aggregate(Gcd));
        for (var t = options.Start + step; t <= end; t += step)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (options.Speed > 0)
            {
                // Pace simulated time against the wall clock.
                var due = TimeSpan.FromSeconds((t - options.Start).TotalSeconds / options.Speed) - time.GetElapsedTime(started);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, time, cancellationToken);
                }
            }

            var sinceStart = (long)(t - options.Start).TotalSeconds;
            for (var i = 0; i < world.Sensors.Count; i++)
            {
                var sensor = world.Sensors[i];
                if (sinceStart % sensor.ReportingIntervalS != 0)
                {
                    continue;
                }

                var reading = world.Reading(i, t);
                var value = JsonSerializer.SerializeToUtf8Bytes(reading, ContractsJsonContext.Default.SensorReading);
                ProduceWithBackpressure(producer, new Message<string, byte[]> { Key = sensor.SensorId, Value = value }, r =>
                {
                    if (r.Error.IsError)
                    {
                        Interlocked.Increment(ref failures);
                    }
                });
                Interlocked.Increment(ref _sent);
            }
        }

        while (producer.Flush(TimeSpan.FromSeconds(10)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        return new SimulationSummary(Sent, registry.Sensors.Count, options.Start, end, Interlocked.Read(ref failures));
    }

    static void ProduceWithBackpressure(IProducer<string, byte[]> producer, Message<string, byte[]> message, Action<DeliveryReport<string, byte[]>> onDelivery)
    {
        while (true)
        {
            try
            {
                producer.Produce(Topics.SensorReadings, message, onDelivery);
                return;
            }
            catch (ProduceException<string, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                // The client's queue is full: let deliveries drain instead of dropping the reading.
                producer.Poll(TimeSpan.FromMilliseconds(100));
            }
        }
    }

    static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
}
