namespace AirQuality.Simulation;

/// <summary>What <c>airq simulate</c> plays.</summary>
/// <remarks>
/// <see cref="Start"/> is an instant (the CLI passes local midnight, UTC+8). Readings are stamped at the end of each
/// reporting interval, so the first is at <see cref="Start"/> plus one interval and the last at Start + Duration.
/// </remarks>
public sealed record SimulationOptions(DateTimeOffset Start, TimeSpan Duration, int Seed, double Speed, FaultOptions? Faults = null)
{
    /// <summary>Checks ranges; <see cref="Speed"/> is simulated seconds per wall-clock second, 0 meaning as fast as possible.</summary>
    public SimulationOptions Validate()
    {
        if (Duration <= TimeSpan.Zero || Duration > TimeSpan.FromDays(400))
        {
            throw new ArgumentOutOfRangeException(nameof(Duration), Duration, "The simulated period must be longer than zero and at most 400 days.");
        }

        if (Speed < 0 || !double.IsFinite(Speed))
        {
            throw new ArgumentOutOfRangeException(nameof(Speed), Speed, "The speed must be 0 (as fast as possible) or a positive number of simulated seconds per second.");
        }

        return this;
    }
}

/// <summary>
/// What a simulation sent. Records are readings plus telemetry records; <see cref="Messages"/> counts duplicate copies too.
/// Expected at the ingest side: stored = Records − Malformed − UnknownSensor, rejected = Malformed + UnknownSensor,
/// duplicates = Duplicated; so Messages = stored + duplicates + rejected.
/// </summary>
public sealed record SimulationSummary(
    long Messages, long Readings, long TelemetryRecords, int Sensors, DateTimeOffset From, DateTimeOffset To, long DeliveryFailures,
    long Malformed, long Duplicated, long Late, long OutOfOrder, long UnknownSensor, IReadOnlyList<Truth.Incident> Incidents)
{
    public long ExpectedStored => Readings + TelemetryRecords - Malformed - UnknownSensor;

    public long ExpectedRejected => Malformed + UnknownSensor;

    public long ExpectedDuplicates => Duplicated;
}
