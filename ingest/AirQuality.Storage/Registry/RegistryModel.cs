namespace AirQuality.Storage.Registry;

/// <summary>An administrative district. Coordinates: WGS84 degrees.</summary>
public sealed record District(string DistrictId, string Name, string? NameLocal, double Latitude, double Longitude);

/// <summary>A township or sub-district within a district.</summary>
public sealed record Township(string TownshipId, string DistrictId, string Name, string? NameLocal);

/// <summary>An ambient air-quality sensor. Coordinates: WGS84 degrees; interval in seconds.</summary>
public sealed record Sensor(string SensorId, string Name, string DistrictId, string TownshipId, double Latitude, double Longitude, string Kind, int ReportingIntervalS);

/// <summary>
/// A pollution source. Stack height in metres (null at ground level); limits in mg/m³; emission estimate in g/s;
/// operating hours in local time, null where the registry does not know them (attribution then learns them from the
/// source's telemetry, or treats every hour as possible).
/// </summary>
public sealed record PollutionSource(
    string SourceId, string Name, string Category, string DistrictId, string TownshipId, string Address,
    double Latitude, double Longitude, double? StackHeightM, bool HasTelemetry,
    double? PermittedParticulateMgm3, double? PermittedSo2Mgm3, double? PermittedNoxMgm3, double EstimatedPm25EmissionGS,
    OperatingHours? OperatingHours = null);

/// <summary>An enforcement team, the districts it covers and who receives its report.</summary>
public sealed record EnforcementTeam(string TeamId, string Name, IReadOnlyList<string> DistrictIds, IReadOnlyList<string> RecipientEmails);

/// <summary>The whole registry as loaded from CSV or the database.</summary>
public sealed record CityRegistry(
    IReadOnlyList<District> Districts,
    IReadOnlyList<Township> Townships,
    IReadOnlyList<Sensor> Sensors,
    IReadOnlyList<PollutionSource> Sources,
    IReadOnlyList<EnforcementTeam> Teams);

/// <summary>Allowed values of the registry's coded columns (the same lists the schema's CHECK constraints hold).</summary>
public static class RegistryCodes
{
    public const string NationalStation = "national_station";
    public const string MicroSensor = "micro_sensor";
    public static readonly IReadOnlyList<string> SensorKinds = [NationalStation, MicroSensor];
    public static readonly IReadOnlyList<string> SourceCategories = ["steel", "cement", "power", "chemical", "industrial_boiler", "construction", "road", "storage_yard"];
}
