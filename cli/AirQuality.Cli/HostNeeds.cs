namespace AirQuality.Cli;

/// <summary>What a command's host must have ready before the command's body runs.</summary>
/// <param name="Database">What is done with the database (default: its schema checked).</param>
/// <param name="Broker">Where Kafka comes from (default: not needed).</param>
/// <param name="Model">Load the attribution model before the database is touched, so that a command that cannot run without one says so first.</param>
sealed record HostNeeds(DatabaseMode Database = DatabaseMode.Checked, BrokerMode Broker = BrokerMode.None, bool Model = false)
{
    /// <summary>The default: the database, its schema checked; no broker.</summary>
    public static HostNeeds CheckedDatabase { get; } = new();

    /// <summary>Neither database nor broker.</summary>
    public static HostNeeds Nothing { get; } = new(DatabaseMode.None);
}
