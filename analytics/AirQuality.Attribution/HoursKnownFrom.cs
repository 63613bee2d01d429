namespace AirQuality.Attribution;

/// <summary>Where a source's working hours come from (issue 22 point 3: from the registry or the data, never assumed).</summary>
public enum HoursKnownFrom
{
    /// <summary>Neither the registry nor telemetry tells them: every hour is possible, and the model is told they are unknown.</summary>
    Unknown,

    /// <summary>The registry's operating hours.</summary>
    Registry,

    /// <summary>Learnt from the source's own telemetry by hour of day.</summary>
    Telemetry,
}
