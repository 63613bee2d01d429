using System.Text;

namespace AirQuality.Simulation;

/// <summary>Gives sensor-reading messages the faults of <see cref="FaultOptions"/> and counts them, from a random stream of its own so the simulated air is the same with or without faults.</summary>
sealed class FaultInjector(FaultOptions options, int seed)
{
    public readonly record struct Outgoing(string Topic, string Key, byte[] Value);

    readonly Random _random = new(seed ^ 0x5eed_fa17);
    readonly List<Outgoing> _late = [];
    readonly List<Outgoing> _nextStep = [];
    readonly List<Outgoing> _heldAStep = [];
    long _unknownIds;

    public long Malformed { get; private set; }
    public long Duplicated { get; private set; }
    public long Late { get; private set; }
    public long OutOfOrder { get; private set; }
    public long UnknownSensor { get; private set; }

    public void Apply(string topic, string key, byte[] value, Action<Outgoing> send)
    {
        var message = new Outgoing(topic, key, value);
        if (options.Total == 0)
        {
            send(message);
            return;
        }

        var draw = _random.NextDouble();
        if ((draw -= options.Malformed) < 0)
        {
            Malformed++;
            send(message with { Value = value[..(value.Length / 2)] });
        }
        else if ((draw -= options.Duplicate) < 0)
        {
            Duplicated++;
            send(message);
            send(message);
        }
        else if ((draw -= options.Late) < 0)
        {
            Late++;
            _late.Add(message);
        }
        else if ((draw -= options.OutOfOrder) < 0)
        {
            OutOfOrder++;
            _nextStep.Add(message);
        }
        else if ((draw -= options.UnknownSensor) < 0)
        {
            UnknownSensor++;
            var unknown = $"X-UNREGISTERED-{++_unknownIds}";
            send(new Outgoing(topic, unknown, Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(value).Replace($"\"{key}\"", $"\"{unknown}\"", StringComparison.Ordinal))));
        }
        else
        {
            send(message);
        }
    }

    /// <summary>Sends what the previous step held back, after this step's own messages, so it arrives after newer readings.</summary>
    public void EndOfStep(Action<Outgoing> send)
    {
        _heldAStep.ForEach(send);
        _heldAStep.Clear();
        _heldAStep.AddRange(_nextStep);
        _nextStep.Clear();
    }

    /// <summary>Sends everything still held back.</summary>
    public void EndOfRun(Action<Outgoing> send)
    {
        EndOfStep(send);
        EndOfStep(send);
        _late.ForEach(send);
        _late.Clear();
    }
}
