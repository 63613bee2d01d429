namespace AirQuality.Reports;

/// <summary>A sensor or township: its id, name and, for townships, the name in the local script.</summary>
public sealed record NamedPlace(string Id, string Name, string? LocalName = null)
{
    /// <summary>"Jiefangbei 解放碑街道", or the name alone.</summary>
    public string DisplayName => LocalName is { Length: > 0 } local && local != Name ? $"{Name} {local}" : Name;

    /// <summary>"S0012 Jiefangbei micro 3": the id, then the name when it says more.</summary>
    public string Labelled => Name == Id ? Id : $"{Id} {Name}";
}
