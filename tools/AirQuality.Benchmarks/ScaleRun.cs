namespace AirQuality.Benchmarks;

/// <summary>One measurement of <see cref="ScaleBenchmark"/>: how many worker processes, and what they did.</summary>
/// <remarks>
/// <see cref="Readings"/> counts the readings stored while the clock ran; <see cref="Seconds"/> is that clock,
/// from full assignment to the last reading stored, and <see cref="WallSeconds"/> includes process start-up.
/// <see cref="LoadAverage"/> is the machine's 1-minute load average when the run ended.
/// </remarks>
public sealed record ScaleRun(int Processes, long Readings, double Seconds, double WallSeconds, IReadOnlyList<long> StoredPerProcess, string LoadAverage)
{
    public double ReadingsPerSecond => Readings / Seconds;
}
