using System.Text.Json;
using AirQuality.Contracts;
using AirQuality.Ingest.Kafka;
using AirQuality.Storage.Registry;
using Confluent.Kafka;

namespace AirQuality.Simulation;

/// <summary>
/// Plays the city's gateways: publishes every registry sensor's readings to <see cref="Topics.SensorReadings"/> and
/// every monitored source's telemetry (every 15 minutes) to <see cref="Topics.SourceTelemetry"/>, keyed by id, in
/// time order, with the faults <see cref="FaultOptions"/> asks for.
/// </summary>
public sealed class GatewaySimulator(string bootstrapServers, KafkaOptions kafkaOptions, TimeProvider time)
{
    const int TelemetryIntervalS = 900;

    long _sent;

    /// <summary>Messages sent so far by the running simulation.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    public async Task<SimulationSummary> RunAsync(CityRegistry registry, SimulationOptions options, CancellationToken cancellationToken)
    {
        options.Validate();
        var world = new AirQualityWorld(registry, options.Seed, options.Start, options.Duration);
        var faults = new FaultInjector(options.Faults ?? FaultOptions.None, options.Seed);
        var end = options.Start + options.Duration;
        long failures = 0, readings = 0, telemetry = 0;
        using var producer = new ProducerBuilder<string, byte[]>(KafkaClients.Producer(bootstrapServers, kafkaOptions)).Build();
        void Send(FaultInjector.Outgoing message)
        {
            producer.ProduceWaitingForRoom(message.Topic, new Message<string, byte[]> { Key = message.Key, Value = message.Value }, r =>
            {
                if (r.Error.IsError)
                {
                    Interlocked.Increment(ref failures);
                }
            });
            Interlocked.Increment(ref _sent);
        }

        var started = time.GetTimestamp();
        var step = TimeSpan.FromSeconds(registry.Sensors.Select(s => s.ReportingIntervalS).Append(TelemetryIntervalS).Aggregate(Gcd));
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
                if (sinceStart % world.Sensors[i].ReportingIntervalS == 0)
                {
                    var reading = world.Reading(i, t);
                    readings++;
                    faults.Apply(Topics.SensorReadings, reading.SensorId, JsonSerializer.SerializeToUtf8Bytes(reading, ContractsJsonContext.Default.SensorReading), Send);
                }
            }

            if (sinceStart % TelemetryIntervalS == 0)
            {
                for (var i = 0; i < world.MonitoredSources.Count; i++)
                {
                    var record = world.Telemetry(i, t);
                    telemetry++;
                    Send(new(Topics.SourceTelemetry, record.SourceId, JsonSerializer.SerializeToUtf8Bytes(record, ContractsJsonContext.Default.SourceTelemetry)));
                }
            }

            faults.EndOfStep(Send);
        }

        faults.EndOfRun(Send);
        while (producer.Flush(TimeSpan.FromSeconds(10)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        return new SimulationSummary(Sent, readings, telemetry, registry.Sensors.Count, options.Start, end, Interlocked.Read(ref failures),
            faults.Malformed, faults.Duplicated, faults.Late, faults.OutOfOrder, faults.UnknownSensor, world.Truth.Incidents);
    }

    static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
}
