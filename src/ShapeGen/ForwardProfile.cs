using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;

namespace ShapeGen;

/// <summary>Where one layer's time goes in a generated network's forward pass (one sample, one thread).</summary>
/// <param name="Name">The Keras layer name, as in the summary.</param>
/// <param name="Type">The layer type, e.g. <c>Conv2D</c>.</param>
/// <param name="Microseconds">
/// Median time of the kernels that run this layer. Layers folded or fused into another layer's kernel (BatchNormalization
/// folded into a convolution, a ReLU applied in the convolution's store, Flatten, Dropout) take 0 here: their cost is in
/// the layer named by <paramref name="RunsIn"/>.
/// </param>
/// <param name="MultiplyAdds">The layer's multiply-accumulate operations for one sample.</param>
/// <param name="Kernels">How many generated kernels run for this layer (a 'same' convolution is a zero-padding copy and a convolution).</param>
/// <param name="RunsIn">
/// For a layer with no kernel of its own, the layer whose kernel does its work; on several threads, also for a pooling
/// that runs in the chunks of the convolution before it (one fork-join for both), whose time is counted in that layer.
/// Otherwise <c>null</c>.
/// </param>
public sealed record LayerTiming(string Name, string Type, double Microseconds, long MultiplyAdds, int Kernels, string? RunsIn)
{
    /// <summary>Achieved GFLOP/s (2 × multiply-adds per microsecond ÷ 1000); 0 when the layer has no kernel or no multiply-adds.</summary>
    public double GigaflopsPerSecond => Microseconds > 0 ? 2.0 * MultiplyAdds / (Microseconds * 1000.0) : 0;
}

/// <summary>One generated kernel of the forward pass and its median time.</summary>
/// <param name="Layer">The layer it belongs to.</param>
/// <param name="Description">What it does, e.g. <c>convolution 3×3, stride 1×1, … output 32×32</c> or a zero-padding copy.</param>
/// <param name="Microseconds">Its median time.</param>
public sealed record KernelTiming(string Layer, string Description, double Microseconds);

/// <summary>
/// A per-layer profile of a generated network's <c>Forward</c>, made by its generated <c>Profile</c> method: every kernel is
/// timed on each iteration with <see cref="Stopwatch.GetTimestamp"/> and the medians are reported. The timestamps add a
/// few tens of nanoseconds per kernel, so the total is slightly above an untimed <c>Forward</c>.
/// </summary>
public sealed class ForwardProfile
{
    private ForwardProfile(string network, int iterations, int threads, IReadOnlyList<LayerTiming> layers, IReadOnlyList<KernelTiming> kernels,
        double totalMicroseconds, long multiplyAdds)
    {
        Threads = threads;
        Kernels = kernels;
        Network = network;
        Iterations = iterations;
        Layers = layers;
        TotalMicroseconds = totalMicroseconds;
        MultiplyAdds = multiplyAdds;
    }

    /// <summary>The network's type name.</summary>
    public string Network { get; }

    /// <summary>How many timed forward passes the medians come from.</summary>
    public int Iterations { get; }

    /// <summary>
    /// The threads the pass could use: the network's <c>MaxDegreeOfParallelism</c>, capped at the processor count. Only
    /// the large convolutions split their rows among them; the other layers run on the calling thread.
    /// </summary>
    public int Threads { get; }

    /// <summary>Every layer of the network, in order.</summary>
    public IReadOnlyList<LayerTiming> Layers { get; }

    /// <summary>Every generated kernel, in the order they run (a layer can take several, e.g. a zero-padding copy and a convolution).</summary>
    public IReadOnlyList<KernelTiming> Kernels { get; }

    /// <summary>Median time of a whole timed forward pass.</summary>
    public double TotalMicroseconds { get; }

    /// <summary>The network's multiply-adds for one sample.</summary>
    public long MultiplyAdds { get; }

    /// <summary>Achieved GFLOP/s of the whole pass.</summary>
    public double GigaflopsPerSecond => TotalMicroseconds > 0 ? 2.0 * MultiplyAdds / (TotalMicroseconds * 1000.0) : 0;

    /// <summary>
    /// Builds the profile from raw timestamps. Called by generated code: <paramref name="timestamps"/> holds, for each
    /// iteration, <c>kernels + 1</c> <see cref="Stopwatch"/> timestamps (before the first kernel and after each one);
    /// <paramref name="kernelLayers"/> names the layer each kernel belongs to.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static ForwardProfile FromTimestamps(string network, IReadOnlyList<LayerInfo> layers, IReadOnlyList<string> kernelLayers,
        IReadOnlyList<string> kernelDescriptions, IReadOnlyList<string?> runsIn, long[] timestamps, int iterations, int threads = 1)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "At least one thread runs the pass.");
        if (network is null) throw new ArgumentNullException(nameof(network));
        if (layers is null) throw new ArgumentNullException(nameof(layers));
        if (kernelLayers is null) throw new ArgumentNullException(nameof(kernelLayers));
        if (kernelDescriptions is null || kernelDescriptions.Count != kernelLayers.Count) throw new ArgumentException("One description per kernel is needed.", nameof(kernelDescriptions));
        if (runsIn is null || runsIn.Count != layers.Count) throw new ArgumentException("One entry per layer is needed.", nameof(runsIn));
        if (timestamps is null) throw new ArgumentNullException(nameof(timestamps));
        int kernels = kernelLayers.Count, stride = kernels + 1;
        if (iterations < 1 || timestamps.Length != (long)iterations * stride)
            throw new ArgumentException($"Expected {iterations} × {stride} timestamps, got {timestamps.Length}.", nameof(timestamps));

        double toMicroseconds = 1_000_000.0 / Stopwatch.Frequency;
        var samples = new double[iterations];
        var kernelMedians = new double[kernels];
        for (int k = 0; k < kernels; k++)
        {
            for (int i = 0; i < iterations; i++) samples[i] = (timestamps[i * stride + k + 1] - timestamps[i * stride + k]) * toMicroseconds;
            kernelMedians[k] = Median(samples);
        }
        for (int i = 0; i < iterations; i++) samples[i] = (timestamps[i * stride + kernels] - timestamps[i * stride]) * toMicroseconds;
        double total = Median(samples);

        var timings = new List<LayerTiming>(layers.Count);
        for (int l = 0; l < layers.Count; l++)
        {
            LayerInfo layer = layers[l];
            double time = 0;
            int count = 0;
            for (int k = 0; k < kernels; k++)
            {
                if (kernelLayers[k] != layer.Name) continue;
                time += kernelMedians[k];
                count++;
            }
            // A layer with a host is timed in it (its own kernels, if any, run inside the host's call: no time of their own).
            timings.Add(new LayerTiming(layer.Name, layer.Type, runsIn[l] is null ? time : 0, layer.MultiplyAdds, count, runsIn[l]));
        }
        var kernelTimings = new List<KernelTiming>(kernels);
        for (int k = 0; k < kernels; k++) kernelTimings.Add(new KernelTiming(kernelLayers[k], kernelDescriptions[k], kernelMedians[k]));
        return new ForwardProfile(network, iterations, threads, timings, kernelTimings, total, layers.Sum(l => l.MultiplyAdds));
    }

    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /// <summary>
    /// The profile as a table: layer, type, median µs, share of the pass, multiply-adds and GFLOP/s.
    /// <paramref name="peakGigaflops"/>, when given, adds a "% of peak" column: the peak of one core (e.g. 224 for one
    /// Zen 5 core's fp32 FMA peak), times <see cref="Threads"/> when the pass ran on several.
    /// </summary>
    public string ToTable(double? peakGigaflops = null)
    {
        if (peakGigaflops is > 0) peakGigaflops *= Threads;
        var inv = CultureInfo.InvariantCulture;
        var rows = new List<string[]>
        {
            Columns("Layer", "Type", "µs", "share", "Mult-Adds", "GFLOP/s", "% of peak"),
        };
        foreach (var t in Layers)
        {
            bool timed = t.Kernels > 0 && t.RunsIn is null;
            rows.Add(Columns(
                t.Name,
                t.Type,
                timed ? t.Microseconds.ToString(t.Microseconds < 10 ? "F3" : "F1", inv) : (t.RunsIn is null ? "-" : "in " + t.RunsIn),
                timed && TotalMicroseconds > 0 ? (t.Microseconds / TotalMicroseconds).ToString("P0", inv) : "",
                t.MultiplyAdds.ToString("N0", inv),
                timed && t.MultiplyAdds > 0 ? t.GigaflopsPerSecond.ToString("F1", inv) : "",
                timed && t.MultiplyAdds > 0 && peakGigaflops is > 0 ? (t.GigaflopsPerSecond / peakGigaflops.Value).ToString("P0", inv) : ""));
        }
        rows.Add(Columns("total", "", TotalMicroseconds.ToString(TotalMicroseconds < 10 ? "F3" : "F1", inv), "100%",
            MultiplyAdds.ToString("N0", inv), GigaflopsPerSecond.ToString("F1", inv),
            peakGigaflops is > 0 ? (GigaflopsPerSecond / peakGigaflops.Value).ToString("P0", inv) : ""));

        bool showPeak = peakGigaflops is > 0;
        int columns = showPeak ? 7 : 6;
        var widths = Enumerable.Range(0, columns).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        text.Append(Network).Append(": median of ").Append(Iterations.ToString(inv)).AppendLine(Threads == 1 ? " timed passes, one thread" : $" timed passes, up to {Threads.ToString(inv)} threads");
        for (int r = 0; r < rows.Count; r++)
        {
            if (r == rows.Count - 1) text.AppendLine(new string('-', widths.Sum() + 2 * (columns - 1)));
            for (int c = 0; c < columns; c++)
            {
                string cell = rows[r][c];
                bool left = c < 2;
                text.Append(left ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]));
                if (c < columns - 1) text.Append("  ");
            }
            text.AppendLine();
            if (r == 0) text.AppendLine(new string('-', widths.Sum() + 2 * (columns - 1)));
        }
        return text.ToString();
    }

    /// <summary>The kernels one per line: median µs, layer, what the kernel does.</summary>
    public string ToKernelTable()
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        int layerWidth = Kernels.Count == 0 ? 5 : Math.Max(5, Kernels.Max(k => k.Layer.Length));
        var hosts = Layers.Where(l => l.RunsIn is not null).ToDictionary(l => l.Name, l => l.RunsIn!);
        foreach (var k in Kernels)
        {
            text.Append(hosts.TryGetValue(k.Layer, out string? host)
                    ? ("in " + host).PadLeft(12) + "  "
                    : k.Microseconds.ToString(k.Microseconds < 10 ? "F3" : "F1", inv).PadLeft(9) + " µs  ")
                .Append(k.Layer.PadRight(layerWidth)).Append("  ").AppendLine(k.Description);
        }
        return text.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => ToTable();

    private static string[] Columns(params string[] cells) => cells;
}
