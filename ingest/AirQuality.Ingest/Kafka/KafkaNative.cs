using System.Reflection;
using System.Runtime.InteropServices;

namespace AirQuality.Ingest.Kafka;

/// <summary>
/// Loads the librdkafka that the librdkafka.redist package puts beside the program, by path, for Confluent.Kafka and for
/// the mock-cluster calls of the development broker, so that development, CI and the image run one version.
/// </summary>
/// <remarks>
/// On Debian 12 the package's default <c>librdkafka.so</c> needs <c>libsasl2.so.3</c>, which Debian lacks, while its
/// <c>centos8-librdkafka.so</c> needs only glibc; and left to search, the loader may bind an operating-system librdkafka
/// (Debian's 2.0.2), which then fails at the first Consume on a function it does not have. So the name is never looked
/// up: the one file is loaded from the program's folder, or the process stops saying which file is missing.
/// </remarks>
public static class KafkaNative
{
    /// <summary>The name the P/Invoke declarations use; the resolver maps it (and Confluent.Kafka's variants) to <see cref="LibraryPath"/>.</summary>
    public const string LibraryName = "librdkafka";

    static readonly Lazy<IntPtr> Handle = new(Load);
    static readonly HashSet<Assembly> Resolved = [];

    /// <summary>The package's library for this machine, under the program's <c>runtimes</c> folder.</summary>
    public static string LibraryPath => Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.ProcessArchitecture switch
    {
        // x64: the build that needs only glibc. arm64 has no such build; its default one needs libsasl2.
        Architecture.X64 => Path.Combine("linux-x64", "native", "centos8-librdkafka.so"),
        Architecture.Arm64 => Path.Combine("linux-arm64", "native", "librdkafka.so"),
        var other => throw new PlatformNotSupportedException($"No librdkafka build for {other} in librdkafka.redist."),
    });

    /// <summary>The librdkafka version in use, as librdkafka reports it (for the workers' start-up log).</summary>
    public static string Version
    {
        get
        {
            EnsureLoaded();
            return Confluent.Kafka.Library.VersionString;
        }
    }

    /// <summary>Installs the resolver for Confluent.Kafka (and for <paramref name="alsoFor"/>, an assembly with P/Invokes of its own); safe to call from every entry point.</summary>
    public static void EnsureLoaded(Assembly? alsoFor = null)
    {
        lock (Resolved)
        {
            foreach (var assembly in new[] { typeof(Confluent.Kafka.Library).Assembly, alsoFor })
            {
                if (assembly is not null && Resolved.Add(assembly))
                {
                    NativeLibrary.SetDllImportResolver(assembly, Resolve);
                }
            }
        }
    }

    static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        // Confluent.Kafka names "librdkafka", "centos8-librdkafka" or "alpine-librdkafka" depending on what it guesses of the system.
        name.Contains("librdkafka", StringComparison.Ordinal) ? Handle.Value : IntPtr.Zero;

    static IntPtr Load()
    {
        var path = LibraryPath;
        if (!File.Exists(path))
        {
            throw new DllNotFoundException(
                $"librdkafka is missing from the program's folder ({path}); it comes with the librdkafka.redist package: rebuild the program.");
        }

        return NativeLibrary.Load(path);
    }
}
