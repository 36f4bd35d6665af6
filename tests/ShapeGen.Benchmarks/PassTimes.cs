using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ShapeGen.Benchmarks;

/// <summary>
/// Forward passes timed one by one (or a few at a time for the smallest models, so a sample is well above the timer's
/// resolution), ShapeGen and ONNX Runtime alternating in blocks in one process: both see the same machine at the same
/// moments. BenchmarkDotNet's median is a median of means over many passes, so on a machine whose speed comes and goes
/// (a shared VM) it includes the slow passes; the per-pass percentiles show both the fast mode and the spread. The
/// paired ratio compares each block with the other engine's block timed right after it, so a spell that slows the
/// machine for some seconds cancels out of it instead of landing in one engine's percentiles more than the other's.
/// </summary>
public static class PassTimes
{
    /// <summary>Alternating blocks per runtime: slow spells of the machine land on both.</summary>
    private const int Blocks = 50;

    /// <summary>A sample lasts at least this long (several passes of the smallest models).</summary>
    private const double MinimumSampleMicroseconds = 20;

    public static string Build(Func<ModelInfo, bool> include)
    {
        var text = new StringBuilder();
        text.AppendLine("Per-pass times (µs per pass: ShapeGen and ONNX Runtime alternating in 50 blocks, about a second each; ratio = ORT / ShapeGen at the same percentile; paired = the median over the 50 pairs of blocks of ORT's block median / ShapeGen's, with the pairs' quartiles).");
        text.AppendLine();
        text.AppendLine("| model | ShapeGen p25 | median | p75 | mean | ORT p25 | median | p75 | mean | ratio at median | ratio of means | paired ratio (p25–p75) |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (ModelInfo model in Models.All)
        {
            if (!include(model)) continue;
            ModelData data = ModelData.Load(model);
            var output = new float[data.ExpectedOutput.Length];
            ForwardPass forward = model.Create(data.Parameters);
            using var ort = new OrtRunner(data.OnnxPath, data.InputShape, data.Input, output);
            float[] input = data.Input;
            Action ours = () => forward(input, output);
            Action theirs = ort.Run;

            int oursPerSample = PassesPerSample(ours), theirsPerSample = PassesPerSample(theirs);
            // About a second of each at ~100 GFLOP/s, at least 500 samples.
            int samples = (int)Math.Clamp(1e11 / Math.Max(1, model.MultiplyAdds) / Math.Max(oursPerSample, theirsPerSample), 500, 100_000);
            var (a, b) = Alternate(ours, oursPerSample, theirs, theirsPerSample, Math.Max(1, samples / Blocks));
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {model.Case} | {F(a.At(0.25))} | {F(a.At(0.5))} | {F(a.At(0.75))} | {F(a.Mean)} | {F(b.At(0.25))} | {F(b.At(0.5))} | {F(b.At(0.75))} | {F(b.Mean)} | {b.At(0.5) / a.At(0.5):F2}× | {b.Mean / a.Mean:F2}× | {Paired(b, a)} |");
        }
        return text.ToString();
    }

    /// <summary>
    /// CifarVgg, batch 1, on one thread and on two (<c>MaxDegreeOfParallelism = 2</c>), alternating in blocks like
    /// <see cref="Build"/>: the split's speed-up pass by pass. On a shared VM a helper thread that the host deschedules
    /// for a while stalls the fork-joins of a pass; means include those passes, the median shows the split itself.
    /// </summary>
    public static string BuildThreads()
    {
        ModelData data = ModelData.Load(Models.Get("cifar_vgg"));
        var output = new float[CifarVgg.OutputSize];
        var one = new CifarVgg(data.Parameters);
        var two = new CifarVgg(data.Parameters) { MaxDegreeOfParallelism = 2 };
        float[] input = data.Input;
        Action serial = () => one.Forward(input, output), split = () => two.Forward(input, output);
        PassesPerSample(serial);
        PassesPerSample(split);
        const int Samples = 1000;
        var (a, b) = Alternate(serial, 1, split, 1, Samples / Blocks);
        var text = new StringBuilder();
        text.AppendLine("CifarVgg batch 1 pass by pass, one thread and two alternating in 50 blocks (µs per pass; speed-up = one / two at the same percentile).");
        text.AppendLine();
        text.AppendLine("| threads | p25 | median | p75 | p90 | mean | paired (p25–p75) |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| 1 | {F(a.At(0.25))} | {F(a.At(0.5))} | {F(a.At(0.75))} | {F(a.At(0.9))} | {F(a.Mean)} | |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| 2 | {F(b.At(0.25))} | {F(b.At(0.5))} | {F(b.At(0.75))} | {F(b.At(0.9))} | {F(b.Mean)} | |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| speed-up | {a.At(0.25) / b.At(0.25):F2}× | {a.At(0.5) / b.At(0.5):F2}× | {a.At(0.75) / b.At(0.75):F2}× | {a.At(0.9) / b.At(0.9):F2}× | {a.Mean / b.Mean:F2}× | {Paired(a, b)} |");
        return text.ToString();
    }

    /// <summary>One side's per-pass times, sorted, their mean, and each block's median in the order the blocks ran.</summary>
    private sealed record PassSamples(double[] Sorted, double Mean, double[] BlockMedians)
    {
        public double At(double quantile) => Quantile(Sorted, quantile);
    }

    private static double Quantile(double[] sorted, double quantile) => sorted[Math.Min(sorted.Length - 1, (int)(quantile * sorted.Length))];

    /// <summary>
    /// <paramref name="slower"/>'s block median over <paramref name="faster"/>'s, block by block (each pair ran back to
    /// back): the median of those ratios and their quartiles.
    /// </summary>
    private static string Paired(PassSamples slower, PassSamples faster)
    {
        double[] ratios = [.. slower.BlockMedians.Zip(faster.BlockMedians, (s, f) => s / f).Order()];
        return string.Create(CultureInfo.InvariantCulture, $"{Quantile(ratios, 0.5):F2}× ({Quantile(ratios, 0.25):F2}–{Quantile(ratios, 0.75):F2})");
    }

    /// <summary><paramref name="first"/> and <paramref name="second"/> timed in <see cref="Blocks"/> alternating blocks of <paramref name="block"/> samples each.</summary>
    private static (PassSamples First, PassSamples Second) Alternate(Action first, int firstPerSample, Action second, int secondPerSample, int block)
    {
        var a = new List<double>(Blocks * block);
        var b = new List<double>(Blocks * block);
        var aBlocks = new double[Blocks];
        var bBlocks = new double[Blocks];
        for (int k = 0; k < Blocks; k++)
        {
            aBlocks[k] = Time(first, firstPerSample, block, a);
            bBlocks[k] = Time(second, secondPerSample, block, b);
        }
        return (new PassSamples([.. a.Order()], a.Average(), aBlocks), new PassSamples([.. b.Order()], b.Average(), bBlocks));
    }

    /// <summary>Warms the runtime up and returns how many passes make one sample of at least <see cref="MinimumSampleMicroseconds"/>.</summary>
    private static int PassesPerSample(Action pass)
    {
        for (int i = 0; i < 200; i++) pass(); // tiered JIT reaches the optimized code
        long start = Stopwatch.GetTimestamp();
        const int Probe = 50;
        for (int i = 0; i < Probe; i++) pass();
        double perPass = Stopwatch.GetElapsedTime(start).TotalMicroseconds / Probe;
        return (int)Math.Clamp(Math.Ceiling(MinimumSampleMicroseconds / Math.Max(perPass, 1e-3)), 1, 10_000);
    }

    /// <summary>Adds <paramref name="count"/> samples to <paramref name="into"/> and returns their median.</summary>
    private static double Time(Action pass, int passesPerSample, int count, List<double> into)
    {
        var block = new double[count];
        for (int i = 0; i < count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int p = 0; p < passesPerSample; p++) pass();
            block[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / passesPerSample;
        }
        into.AddRange(block);
        Array.Sort(block);
        return Quantile(block, 0.5);
    }

    private static string F(double microseconds) => microseconds.ToString(microseconds < 10 ? "F2" : "F1", CultureInfo.InvariantCulture);
}
