namespace AirQuality.Attribution;

/// <summary>How attribution picks and scores candidate sources (configuration section <c>Attribution</c>).</summary>
public sealed class AttributionOptions
{
    /// <summary>Registered sources within this distance of any of an episode's sensors are candidates, km. Default 5.</summary>
    public double SearchRadiusKm { get; set; } = 5;

    /// <summary>At most this many sources are flagged per episode. Default 3.</summary>
    public int MaxFlags { get; set; } = 3;

    /// <summary>A source's telemetry is examined from this long before the episode starts. Default 3 hours.</summary>
    public TimeSpan Lead { get; set; } = TimeSpan.FromHours(3);

    /// <summary>The trained model file. Default <c>infra/models/attribution-model.json</c> (made by <c>airq model train</c>).</summary>
    public string ModelPath { get; set; } = "infra/models/attribution-model.json";

    public AttributionOptions Validate()
    {
        if (!(SearchRadiusKm is > 0 and <= 50))
        {
            throw new ArgumentOutOfRangeException(nameof(SearchRadiusKm), SearchRadiusKm, "Attribution:SearchRadiusKm must be more than 0 and at most 50 km.");
        }

        if (MaxFlags is < 1 or > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFlags), MaxFlags, "Attribution:MaxFlags must be from 1 to 10.");
        }

        if (Lead < TimeSpan.Zero || Lead > TimeSpan.FromHours(24))
        {
            throw new ArgumentOutOfRangeException(nameof(Lead), Lead, "Attribution:Lead must be from 0 to 24 hours.");
        }

        if (string.IsNullOrWhiteSpace(ModelPath))
        {
            throw new ArgumentOutOfRangeException(nameof(ModelPath), ModelPath, "Attribution:ModelPath must name the model file.");
        }

        return this;
    }
}
