using System.Diagnostics;
using System.Globalization;

namespace AirQuality.Benchmarks;

/// <summary>CPU time spent while something ran, by the whole machine and by this process: where the time goes, which throughput does not say.</summary>
/// <remarks>
/// The machine's figure comes from <c>/proc/stat</c> (busy time of all cores, steal excluded) and includes
/// PostgreSQL only when the server runs on this machine. On a shared machine it moves between runs as throughput
/// does (other virtual machines share the host's caches), so changes are still compared on runs side by side.
/// </remarks>
public sealed class CpuMeter
{
    // USER_HZ: /proc/stat counts in hundredths of a second on Linux whatever the kernel's own tick rate.
    const double TicksPerSecond = 100;

    // Columns of the "cpu" line counted as busy: user, nice, system, irq, softirq (not idle, iowait or steal).
    static readonly int[] BusyColumns = [1, 2, 3, 6, 7];

    readonly TimeSpan? _machineAtStart = MachineBusy();
    readonly TimeSpan _processAtStart = Process.GetCurrentProcess().TotalProcessorTime;
    readonly long _allocatedAtStart = GC.GetTotalAllocatedBytes();
    readonly int[] _collectionsAtStart = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
    readonly TimeSpan _pausedAtStart = GC.GetTotalPauseDuration();
    readonly (long Methods, TimeSpan Time) _jitAtStart = (System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime());

    /// <summary>
    /// Methods the runtime compiled since the meter started, and the time it spent compiling them: tiered compilation
    /// recompiles a method optimised after it has run often enough, so code run once a batch is still being compiled
    /// long after code run once a message. Near zero when a run measures a worker that has settled.
    /// </summary>
    public (long Methods, TimeSpan Time) Compilation() =>
        (System.Runtime.JitInfo.GetCompiledMethodCount() - _jitAtStart.Methods, System.Runtime.JitInfo.GetCompilationTime() - _jitAtStart.Time);

    /// <summary>
    /// Bytes this process allocated per item since the meter started, its garbage collections of each generation,
    /// and how long they paused its threads in all.
    /// </summary>
    public (double BytesPerItem, int Gen0, int Gen1, int Gen2, TimeSpan Paused) Allocations(long items) =>
        ((GC.GetTotalAllocatedBytes() - _allocatedAtStart) / (double)items,
            GC.CollectionCount(0) - _collectionsAtStart[0], GC.CollectionCount(1) - _collectionsAtStart[1], GC.CollectionCount(2) - _collectionsAtStart[2],
            GC.GetTotalPauseDuration() - _pausedAtStart);

    /// <summary>CPU time per item since this meter started: the whole machine's (null where /proc/stat cannot be read) and this process's.</summary>
    public (TimeSpan? Machine, TimeSpan Process) PerItem(long items)
    {
        var machine = MachineBusy() - _machineAtStart;
        var process = Process.GetCurrentProcess().TotalProcessorTime - _processAtStart;
        return (machine / items, process / items);
    }

    static TimeSpan? MachineBusy()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var busy = BusyColumns.Sum(i => long.Parse(fields[i], CultureInfo.InvariantCulture));
            return TimeSpan.FromSeconds(busy / TicksPerSecond);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
