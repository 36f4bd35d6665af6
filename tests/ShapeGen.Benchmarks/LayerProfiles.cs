using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace ShapeGen.Benchmarks;

/// <summary>
/// Per-layer time of every benchmark model, from each network's generated <c>Profile</c> method, with GFLOP/s and the
/// share of this machine's FMA peak (measured here, not assumed).
/// </summary>
public static class LayerProfiles
{
    private static readonly Dictionary<string, Func<float[], int, Func<float[], int, ForwardProfile>>> Profilers = new()
    {
        ["sobel_valid"] = (p, threads) => { var n = new SobelValid(p) { MaxDegreeOfParallelism = threads }; return (input, iterations) => n.Profile(input, iterations); },
        ["stride_padding_zoo"] = (p, threads) => { var n = new StridePaddingZoo(p) { MaxDegreeOfParallelism = threads }; return (input, iterations) => n.Profile(input, iterations); },
        ["mobile_block"] = (p, threads) => { var n = new MobileBlock(p) { MaxDegreeOfParallelism = threads }; return (input, iterations) => n.Profile(input, iterations); },
        ["mnist_convnet"] = (p, threads) => { var n = new MnistConvNet(p) { MaxDegreeOfParallelism = threads }; return (input, iterations) => n.Profile(input, iterations); },
        ["mobilenet_96"] = (p, threads) => { var n = new MobileNet96(p) { MaxDegreeOfParallelism = threads }; return (input, iterations) => n.Profile(input, iterations); },
        ["cifar_vgg"] = (p, threads) => { var n = new CifarVgg(p) { MaxDegreeOfParallelism = threads }; return (input, iterations) => n.Profile(input, iterations); },
    };

    /// <summary>
    /// Profiles the models <paramref name="include"/> selects with <c>MaxDegreeOfParallelism = </c><paramref name="threads"/>
    /// and returns their tables.
    /// </summary>
    public static string Build(double peakGflops, Func<ModelInfo, bool> include, int threads = 1)
    {
        var text = new StringBuilder();
        string running = threads == 1 ? "one thread" : $"MaxDegreeOfParallelism = {threads}";
        text.AppendLine(CultureInfo.InvariantCulture, $"Per-layer profile (generated `Profile` method, median of timed passes, {running}); FMA peak measured on one core: {peakGflops:F0} GFLOP/s.");
        text.AppendLine();
        foreach (ModelInfo model in Models.All)
        {
            if (!include(model)) continue;
            ModelData data = ModelData.Load(model);
            var profile = Profilers[model.Case](data.Parameters, threads);
            // Enough passes for steady medians, bounded to about a second per model.
            int iterations = (int)Math.Clamp(2e9 / Math.Max(1, 2.0 * model.MultiplyAdds) , 200, 20_000);
            profile(data.Input, 20); // warm-up: tiered JIT reaches the optimized kernels
            ForwardProfile result = profile(data.Input, iterations);
            text.AppendLine("```");
            text.Append(result.ToTable(peakGflops));
            text.AppendLine();
            text.Append(result.ToKernelTable());
            text.AppendLine("```");
            text.AppendLine();
        }
        return text.ToString();
    }

    /// <summary>
    /// fp32 FMA peak of one core from C#: independent FMA chains, best of several runs. Two FMA pipes with 4-cycle
    /// latency need at least 8 chains in flight: 16 Vector512 chains where AVX-512 gives 32 registers, 12 Vector256
    /// chains where AVX2 gives 16 (12 chains + the two operands fit; 16 would spill and measure the stack instead).
    /// </summary>
    public static double MeasureFmaPeakGflops()
    {
        const int Iterations = 2_000_000;
        bool wide = Vector512.IsHardwareAccelerated;
        int lanes = wide ? Vector512<float>.Count : Vector256<float>.Count;
        int chains = wide ? 16 : 12;
        double best = 0;
        for (int run = 0; run < 7; run++)
        {
            long start = Stopwatch.GetTimestamp();
            float sink = wide
                ? Chains512(Vector512.Create(1f), Vector512.Create(0.999999f), Vector512.Create(1e-7f), Iterations).ToScalar()
                : Chains256(Vector256.Create(1f), Vector256.Create(0.999999f), Vector256.Create(1e-7f), Iterations).ToScalar();
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            s_sink = sink;
            best = Math.Max(best, 2.0 * lanes * chains * Iterations / seconds / 1e9);
        }
        return best;
    }

    private static float s_sink; // observed, so the chains cannot be removed as dead code

    // The values come in as arguments: with constants the JIT folds or keeps the chains on the stack instead of in registers.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static Vector512<float> Chains512(Vector512<float> seed, Vector512<float> b, Vector512<float> c, int n)
    {
        // Distinct starting values: identical chains would be merged by the JIT's value numbering.
        Vector512<float> a0 = seed, a1 = seed + c, a2 = a1 + c, a3 = a2 + c, a4 = a3 + c, a5 = a4 + c, a6 = a5 + c, a7 = a6 + c,
            a8 = a7 + c, a9 = a8 + c, a10 = a9 + c, a11 = a10 + c, a12 = a11 + c, a13 = a12 + c, a14 = a13 + c, a15 = a14 + c;
        for (int i = 0; i < n; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, b, c); a1 = Vector512.FusedMultiplyAdd(a1, b, c);
            a2 = Vector512.FusedMultiplyAdd(a2, b, c); a3 = Vector512.FusedMultiplyAdd(a3, b, c);
            a4 = Vector512.FusedMultiplyAdd(a4, b, c); a5 = Vector512.FusedMultiplyAdd(a5, b, c);
            a6 = Vector512.FusedMultiplyAdd(a6, b, c); a7 = Vector512.FusedMultiplyAdd(a7, b, c);
            a8 = Vector512.FusedMultiplyAdd(a8, b, c); a9 = Vector512.FusedMultiplyAdd(a9, b, c);
            a10 = Vector512.FusedMultiplyAdd(a10, b, c); a11 = Vector512.FusedMultiplyAdd(a11, b, c);
            a12 = Vector512.FusedMultiplyAdd(a12, b, c); a13 = Vector512.FusedMultiplyAdd(a13, b, c);
            a14 = Vector512.FusedMultiplyAdd(a14, b, c); a15 = Vector512.FusedMultiplyAdd(a15, b, c);
        }
        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static Vector256<float> Chains256(Vector256<float> seed, Vector256<float> b, Vector256<float> c, int n)
    {
        Vector256<float> a0 = seed, a1 = seed + c, a2 = a1 + c, a3 = a2 + c, a4 = a3 + c, a5 = a4 + c, a6 = a5 + c, a7 = a6 + c,
            a8 = a7 + c, a9 = a8 + c, a10 = a9 + c, a11 = a10 + c;
        for (int i = 0; i < n; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, b, c); a1 = Vector256.FusedMultiplyAdd(a1, b, c);
            a2 = Vector256.FusedMultiplyAdd(a2, b, c); a3 = Vector256.FusedMultiplyAdd(a3, b, c);
            a4 = Vector256.FusedMultiplyAdd(a4, b, c); a5 = Vector256.FusedMultiplyAdd(a5, b, c);
            a6 = Vector256.FusedMultiplyAdd(a6, b, c); a7 = Vector256.FusedMultiplyAdd(a7, b, c);
            a8 = Vector256.FusedMultiplyAdd(a8, b, c); a9 = Vector256.FusedMultiplyAdd(a9, b, c);
            a10 = Vector256.FusedMultiplyAdd(a10, b, c); a11 = Vector256.FusedMultiplyAdd(a11, b, c);
        }
        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
    }
}
