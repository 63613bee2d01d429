namespace AirQuality.Cli.Monitoring;

/// <summary>The HTTP endpoint of the long-running workers (<c>airq ingest</c>, <c>airq aggregate --every</c>). Section <c>Monitoring</c>.</summary>
public sealed class MonitoringOptions
{
    /// <summary>TCP port of <c>/health/live</c>, <c>/health/ready</c> and <c>/metrics</c>. Default 0: no endpoint. <c>--metrics-port</c> overrides it.</summary>
    public int Port { get; set; }

    /// <summary>Where to listen: <c>localhost</c> (default, this machine only) or <c>*</c> (every interface, as in a container).</summary>
    public string Host { get; set; } = "localhost";

    /// <summary>Throws when a setting is out of range, with a sentence saying what is allowed.</summary>
    public MonitoringOptions Validate()
    {
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "Monitoring:Port must be 0 (no endpoint) or a TCP port up to 65535.");
        }

        if (Host is not ("localhost" or "*" or "+") && !System.Net.IPAddress.TryParse(Host, out _))
        {
            throw new ArgumentOutOfRangeException(nameof(Host), Host, "Monitoring:Host must be localhost, * (every interface) or an IP address.");
        }

        return this;
    }
}
