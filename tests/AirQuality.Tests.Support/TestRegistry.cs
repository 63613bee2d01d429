using AirQuality.Storage.Registry;

namespace AirQuality.Tests.Support;

/// <summary>The registry shipped in infra/registry, and other files of the checkout, found from the test's output folder.</summary>
public static class TestRegistry
{
    /// <summary>The checkout the tests run from: the first folder above the test binaries holding AirQuality.sln.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "AirQuality.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("AirQuality.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string ShippedDirectory => Path.Combine(RepositoryRoot, "infra", "registry");

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
