using System.Reflection;
using System.Runtime.InteropServices;

namespace AirQuality.Ingest.Kafka;

/// <summary>
/// Points Confluent.Kafka at the operating system's librdkafka (Debian's <c>librdkafka1</c>).
/// </summary>
/// <remarks>
/// The librdkafka.redist package cannot be restored here, so Confluent.Kafka's own loader finds no
/// bundled binary. Its P/Invokes name <c>librdkafka</c>, which only resolves when the -dev package's
/// unversioned symlink exists; this resolver maps the name to the runtime soname so that the runtime
/// package alone is enough. <c>Library.Load(path)</c> is avoided because it needs libdl.so, which
/// Debian 12 does not ship.
/// </remarks>
public static class KafkaNative
{
    /// <summary>The soname of the system library this pipeline is built and tested against (librdkafka 2.0.x).</summary>
    public const string LibraryName = "librdkafka.so.1";

    static int _installed;

    /// <summary>Installs the resolver once per process; safe to call from every entry point.</summary>
    public static void EnsureLoaded()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1)
        {
            return;
        }

        NativeLibrary.SetDllImportResolver(typeof(Confluent.Kafka.Library).Assembly, Resolve);
    }

    static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (!name.StartsWith("librdkafka", StringComparison.Ordinal))
        {
            return IntPtr.Zero;
        }

        if (NativeLibrary.TryLoad(LibraryName, assembly, searchPath, out var handle))
        {
            return handle;
        }

        throw new DllNotFoundException(
            $"Could not load {LibraryName}. Install Debian's librdkafka1 (make setup does this), " +
            "or set LD_LIBRARY_PATH to a directory holding librdkafka 2.0 or later.");
    }
}
