using System.Globalization;

namespace AirQuality.Simulation;

/// <summary>
/// Shares of simulated messages given a fault, each drawn independently per message (at most one fault each).
/// </summary>
/// <remarks>
/// malformed: the JSON is cut short (dead-lettered as malformed_json). duplicate: the message is sent twice (the
/// copy counts as a duplicate). late: held back and sent after everything else (stored). out-of-order: held back
/// one time step (stored). unknown-sensor: the sensor id is replaced by one not in the registry (dead-lettered).
/// </remarks>
public sealed record FaultOptions(double Malformed = 0, double Duplicate = 0, double Late = 0, double OutOfOrder = 0, double UnknownSensor = 0)
{
    public static readonly FaultOptions None = new();

    public double Total => Malformed + Duplicate + Late + OutOfOrder + UnknownSensor;

    /// <summary>Parses <c>malformed=0.01,duplicate=0.02,late=0.01,out-of-order=0.02,unknown-sensor=0.005</c>.</summary>
    public static FaultOptions Parse(string? text)
    {
        var faults = None;
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || !double.TryParse(pair[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var share) || share is < 0 or > 1)
            {
                throw new ArgumentOutOfRangeException(nameof(text), part, "Faults are given as name=share pairs with shares from 0 to 1, for example malformed=0.01,duplicate=0.02.");
            }

            faults = pair[0] switch
            {
                "malformed" => faults with { Malformed = share },
                "duplicate" => faults with { Duplicate = share },
                "late" => faults with { Late = share },
                "out-of-order" => faults with { OutOfOrder = share },
                "unknown-sensor" => faults with { UnknownSensor = share },
                _ => throw new ArgumentOutOfRangeException(nameof(text), pair[0], "The faults are malformed, duplicate, late, out-of-order and unknown-sensor."),
            };
        }

        return faults.Total <= 1 ? faults : throw new ArgumentOutOfRangeException(nameof(text), faults.Total, "The fault shares add up to more than 1.");
    }
}
