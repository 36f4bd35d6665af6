using System.Diagnostics;
using System.Globalization;
using ShapeGen.Runtime;

namespace ShapeGen.Benchmarks;

/// <summary>
/// <c>--fork-join</c>: how long a <see cref="WorkSplitter"/> fork-join takes, measured call by call with the
/// timestamp counter. "Helper start" is the time from entering Run to the moment a helper thread begins a chunk:
/// hot when the helper is still spinning from the previous call, cold after 2 ms of idleness (it has blocked).
/// </summary>
public static class ForkJoinLatency
{
    private static float s_dummy;
    private static long s_helperStart;
    private static int s_caller;

    public static void Measure(TextWriter log)
    {
        RangeKernel empty = (ref float _, ref float _, ref float _, int _, int _) => { };
        // Two chunks of 300 µs each: the caller takes one, the helper the other if it starts within 300 µs.
        RangeKernel busy = (ref float _, ref float _, ref float _, int start, int _) =>
        {
            if (Environment.CurrentManagedThreadId != s_caller) Interlocked.CompareExchange(ref s_helperStart, Stopwatch.GetTimestamp(), 0);
            long until = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 300 / 1_000_000;
            while (Stopwatch.GetTimestamp() < until) { }
        };
        s_caller = Environment.CurrentManagedThreadId;

        for (int i = 0; i < 2000; i++) WorkSplitter.SplitRows(2, 8, empty, ref s_dummy, ref s_dummy, ref s_dummy); // warm-up
        log.WriteLine($"Fork-join latency on {Environment.ProcessorCount} logical processors (µs; median, 90th and 99th percentile)");
        log.WriteLine($"  empty kernel, 8 chunks, 1 thread:             {Percentiles(Time(20_000, () => WorkSplitter.SplitRows(1, 8, empty, ref s_dummy, ref s_dummy, ref s_dummy)))}");
        log.WriteLine($"  empty kernel, 8 chunks, 2 threads, back to back: {Percentiles(Time(20_000, () => WorkSplitter.SplitRows(2, 8, empty, ref s_dummy, ref s_dummy, ref s_dummy)))}");
        log.WriteLine($"  helper start, helper spinning (hot):          {HelperStart(500, idleMilliseconds: 0, busy)}");
        log.WriteLine($"  helper start, after 2 ms idle (cold, blocked): {HelperStart(200, idleMilliseconds: 2, busy)}");
    }

    private static double[] Time(int count, Action action)
    {
        var times = new double[count];
        for (int i = 0; i < count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        return times;
    }

    private static string HelperStart(int count, int idleMilliseconds, RangeKernel busy)
    {
        var latencies = new List<double>();
        int missed = 0;
        for (int i = 0; i < count; i++)
        {
            if (idleMilliseconds > 0) Thread.Sleep(idleMilliseconds);
            Volatile.Write(ref s_helperStart, 0);
            long start = Stopwatch.GetTimestamp();
            WorkSplitter.SplitRows(2, 2, busy, ref s_dummy, ref s_dummy, ref s_dummy);
            long helper = Volatile.Read(ref s_helperStart);
            if (helper == 0) missed++;
            else latencies.Add((helper - start) * 1e6 / Stopwatch.Frequency);
        }
        return Percentiles(latencies.ToArray()) + $"  ({missed} of {count} calls: the helper did not start within 300 µs)";
    }

    private static string Percentiles(double[] values)
    {
        if (values.Length == 0) return "-";
        Array.Sort(values);
        string At(double q) => values[Math.Min(values.Length - 1, (int)(q * values.Length))].ToString("F2", CultureInfo.InvariantCulture);
        return $"{At(0.5)} / {At(0.9)} / {At(0.99)}";
    }
}
