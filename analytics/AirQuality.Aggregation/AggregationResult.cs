namespace AirQuality.Aggregation;

/// <summary>What one aggregation run recomputed: local days (first and last, null when none), hourly rows read and sensor days written.</summary>
public sealed record AggregationResult(int Days, DateOnly? FirstDay, DateOnly? LastDay, long HourlyRows, long SensorDays, long UnregisteredRows)
{
    public static AggregationResult None { get; } = new(0, null, null, 0, 0, 0);

    public AggregationResult Add(AggregationResult other) => new(
        Days + other.Days,
        Min(FirstDay, other.FirstDay),
        Max(LastDay, other.LastDay),
        HourlyRows + other.HourlyRows,
        SensorDays + other.SensorDays,
        UnregisteredRows + other.UnregisteredRows);

    static DateOnly? Min(DateOnly? a, DateOnly? b) => a is null ? b : b is null ? a : a < b ? a : b;

    static DateOnly? Max(DateOnly? a, DateOnly? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
