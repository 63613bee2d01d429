using AirQuality.Storage.Registry;

namespace AirQuality.Tests.Support;

/// <summary>The registry shipped in infra/registry, found from the test's output folder.</summary>
public static class TestRegistry
{
    public static string ShippedDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "infra", "registry");
                if (File.Exists(Path.Combine(candidate, "sensors.csv")))
                {
                    return candidate;
                }
            }

            throw new InvalidOperationException("infra/registry not found above " + AppContext.BaseDirectory);
        }
    }

    public static CityRegistry Shipped() => RegistryCsv.Load(ShippedDirectory);

    /// <summary>A copy of the shipped registry files in a new temporary folder, to break on purpose.</summary>
    public static string CopyToTemp()
    {
        var dir = Directory.CreateTempSubdirectory("airq-registry-").FullName;
        foreach (var file in Directory.GetFiles(ShippedDirectory, "*.csv"))
        {
            File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        }

        return dir;
    }
}
