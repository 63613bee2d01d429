namespace AirQuality.Storage.Registry;

/// <summary>One problem in a registry file: where it is and what was expected.</summary>
public sealed record RegistryError(string File, int Line, string? Field, string Message)
{
    public override string ToString() => Field is null ? $"{File}:{Line}: {Message}" : $"{File}:{Line}: field '{Field}': {Message}";
}

/// <summary>Thrown when registry files have errors; nothing has been applied.</summary>
public sealed class RegistryValidationException(IReadOnlyList<RegistryError> errors)
    : Exception($"The registry has {errors.Count} error(s); nothing was applied:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors.Take(50))
        + (errors.Count > 50 ? $"{Environment.NewLine}  ... and {errors.Count - 50} more" : ""))
{
    public IReadOnlyList<RegistryError> Errors { get; } = errors;
}
