namespace AirQuality.Aggregation;

/// <summary>The six pollutants of the AQI, in the order of every pollutant-indexed array in this stage.</summary>
public enum Pollutant
{
    Pm25,
    Pm10,
    No2,
    So2,
    O3,
    Co,
}

/// <summary>Names and units of each <see cref="Pollutant"/> as the schema spells them.</summary>
public static class Pollutants
{
    public const int Count = 6;

    public static IReadOnlyList<Pollutant> All { get; } = Enum.GetValues<Pollutant>();

    /// <summary>The code used in column prefixes and in <c>aq_iaqi_breakpoints.pollutant</c>: pm25, pm10, no2, so2, o3, co.</summary>
    public static string Code(this Pollutant pollutant) => pollutant switch
    {
        Pollutant.Pm25 => "pm25",
        Pollutant.Pm10 => "pm10",
        Pollutant.No2 => "no2",
        Pollutant.So2 => "so2",
        Pollutant.O3 => "o3",
        Pollutant.Co => "co",
        _ => throw new ArgumentOutOfRangeException(nameof(pollutant), pollutant, "Not a pollutant."),
    };

    /// <summary>The concentration column in <c>sensor_readings</c> and the daily tables: <c>pm25_ugm3</c> ... <c>co_mgm3</c>.</summary>
    public static string Column(this Pollutant pollutant) => pollutant == Pollutant.Co ? "co_mgm3" : $"{pollutant.Code()}_ugm3";

    /// <summary>µg/m³, or mg/m³ for CO.</summary>
    public static string Unit(this Pollutant pollutant) => pollutant == Pollutant.Co ? "mg/m³" : "µg/m³";

    public static Pollutant Parse(string code) =>
        All.FirstOrDefault(p => p.Code() == code, (Pollutant)(-1)) is var p && p >= 0
            ? p
            : throw new ArgumentException($"Unknown pollutant '{code}'; expected one of {string.Join(", ", All.Select(x => x.Code()))}.", nameof(code));
}
