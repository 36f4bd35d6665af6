using System;
using System.Diagnostics;

namespace ShapeGen.Generators.Generation.Forward;

/// <summary>Depthwise convolution kernels: several output pixels and channel vectors per block, sharing input loads between neighbouring pixels.</summary>
internal static partial class KernelEmitter
{
    private static void Depthwise(SourceWriter w, DepthwiseStep s, VectorWidth v)
    {
        Constants(w, ("InRow", s.InRow), ("Channels", s.Channels), ("PaddedChannels", s.PaddedChannels), ("OutH", s.OutH), ("OutW", s.OutW),
            ("KernelH", s.KernelH), ("KernelW", s.KernelW), ("StrideH", s.StrideH), ("StrideW", s.StrideW), ("DilationH", s.DilationH),
            ("DilationW", s.DilationW), ("VectorEnd", s.Channels / v.Lanes * v.Lanes));
        w.Line($"ref float kernel = ref {At("weights", I(s.KernelOffset))};");
        w.Line($"ref float bias = ref {At("weights", I(s.BiasOffset))};");
        // Several output pixels per channel vector: independent FMA chains hide the FMA latency, and each kernel
        // vector is loaded once for all of them.
        int pixels = Math.Min(s.OutW, 8);
        int remainder = s.OutW % pixels;
        w.Line(RowRangeAssert);
        if (s.Channels >= v.Lanes && DepthwiseInStrips(s, v))
        {
            // Down each strip of columns: the next output row's blocks re-read KernelH − StrideH of these input rows
            // while they are still in L1 (a whole row of the layer is larger than L1, so row order re-reads them from L2).
            w.Open($"for (int ox0 = 0; ox0 <= OutW - {pixels}; ox0 += {pixels})");
            w.Open("for (int oy = rowStart; oy < rowEnd; oy++)");
            w.Line("int ox = ox0;");
            DepthwiseBlock(w, s, v, pixels);
            w.Close();
            w.Close();
            if (remainder > 0)
            {
                w.Open("for (int oy = rowStart; oy < rowEnd; oy++)");
                w.Line($"const int ox = {I(s.OutW - remainder)};");
                DepthwiseBlock(w, s, v, remainder);
                w.Close();
            }
            if (s.Channels % v.Lanes != 0)
            {
                w.Open("for (int oy = rowStart; oy < rowEnd; oy++)");
                DepthwiseChannelTail(w, s);
                w.Close();
            }
            return;
        }
        w.Open("for (int oy = rowStart; oy < rowEnd; oy++)");
        if (s.Channels >= v.Lanes)
        {
            w.Line("int ox = 0;");
            w.Open($"for (; ox <= OutW - {pixels}; ox += {pixels})");
            DepthwiseBlock(w, s, v, pixels);
            w.Close();
            if (remainder > 0)
            {
                w.Open("");
                DepthwiseBlock(w, s, v, remainder);
                w.Close();
            }
        }
        if (s.Channels % v.Lanes != 0) DepthwiseChannelTail(w, s);
        w.Close();
    }

    /// <summary>
    /// L1 data cache assumed by <see cref="DepthwiseInStrips"/>: 32 KB, the smallest among the x64 cores of the last
    /// years (Zen 2–4, Intel client cores before Alder Lake have 32 KB; Zen 5 has 48 KB).
    /// </summary>
    private const int L1Bytes = 32 * 1024;

    /// <summary>
    /// Whether a depthwise convolution walks down strips of columns instead of along rows: the input rows one output row
    /// reads are larger than L1. Only where measured so far (16-register widths, on Zen 3: MobileNet96's stride-2 layers
    /// 20.2 → 17.7–19.0 and 9.2 → 7.8 µs in profiles); the 512-bit kernels keep row order until measured on an AVX-512 machine.
    /// </summary>
    private static bool DepthwiseInStrips(DepthwiseStep s, VectorWidth v)
        => v.Registers == 16 && s.OutH > 1 && 4L * s.KernelH * s.InRow * s.Channels > L1Bytes;

    /// <summary>Channels past the last whole vector of output row <c>oy</c>, one pixel at a time.</summary>
    private static void DepthwiseChannelTail(SourceWriter w, DepthwiseStep s)
    {
        w.Open("for (int tx = 0; tx < OutW; tx++)");
        w.Line($"ref float input = ref {At("source", "(oy * StrideH * InRow + tx * StrideW) * Channels")};");
        w.Line($"ref float output = ref {At("destination", OutputPixel(s, "oy", "tx", "Channels"))};");
        w.Open("for (int c = VectorEnd; c < Channels; c++)");
        w.Line($"float sum = {At("bias", "c")};");
        w.Open("for (int ky = 0; ky < KernelH; ky++)");
        w.Open("for (int kx = 0; kx < KernelW; kx++)");
        w.Line($"sum = global::System.MathF.FusedMultiplyAdd({At("input", "(ky * DilationH * InRow + kx * DilationW) * Channels + c")}, {At("kernel", "(ky * KernelW + kx) * PaddedChannels + c")}, sum);");
        w.Close();
        w.Close();
        w.Line($"{At("output", "c")} = {ActivateScalar("sum", s.Activation)};");
        w.Close();
        w.Close();
    }

    /// <summary><paramref name="pixels"/> consecutive output pixels of a depthwise convolution, whole channel vectors only.</summary>
    private static void DepthwiseBlock(SourceWriter w, DepthwiseStep s, VectorWidth v, int pixels)
    {
        w.Line($"ref float input = ref {At("source", "(oy * StrideH * InRow + ox * StrideW) * Channels")};");
        w.Line($"ref float output = ref {At("destination", OutputPixel(s, "oy", "ox", "Channels"))};");
        int pairEnd = SharesInputLoads(s, v, pixels, vectors: 2) ? s.Channels / (2 * v.Lanes) * (2 * v.Lanes) : 0;
        if (pairEnd > 0)
        {
            // Two channel vectors per pass: each pixel's inputs are read as two neighbouring vectors (128 of its bytes)
            // instead of one, half as many passes over the rows hop through the image, and twice the independent FMA
            // chains. MobileNet96's depthwise layers: 6.6 / 7.6 / 3.85 → 6.1 / 5.3 / 2.85 µs. Each output is the same sum.
            w.Open($"for ({ChannelIndex(s, v, pixels, vectors: 2)} c = 0; c < {I(pairEnd)}; c += {I(2 * v.Lanes)})");
            DepthwiseChannels(w, s, v, pixels, vectors: 2);
            w.Close();
        }
        if (pairEnd < s.Channels / v.Lanes * v.Lanes)
        {
            w.Open($"for ({ChannelIndex(s, v, pixels, vectors: 1)} c = {I(pairEnd)}; c < VectorEnd; c += {v.Lanes})");
            DepthwiseChannels(w, s, v, pixels, vectors: 1);
            w.Close();
        }
    }

    /// <summary>
    /// Whether the depthwise block loads each input vector of a kernel row once for every tap that reads it: no
    /// horizontal dilation, and the accumulators, kernel vectors and live inputs of <paramref name="vectors"/> channel
    /// vectors fit the registers.
    /// </summary>
    private static bool SharesInputLoads(DepthwiseStep s, VectorWidth v, int pixels, int vectors)
    {
        int span = (pixels - 1) * s.StrideW + s.KernelW;
        if (s.DilationW != 1) return false;
        // Inputs are loaded just before their first use, so about KernelW of them are live at once (plus the
        // accumulators and one kernel row): 8 pixels fit AVX2's 16 registers too, and the shared loads run a stride-1
        // 3×3 layer at 1 load per 2 FMAs instead of more than 1 per FMA (MobileNet96 on AVX2, Zen 3: its
        // three depthwise layers 20.8 / 21.5 / 9.8 → 17.6 / 20.2 / 9.2 µs in profiles).
        bool fits = vectors * pixels <= v.AccumulatorBudget && vectors * (pixels + s.KernelW) + 4 <= v.Registers;
        // (The 512-bit rule for one vector is unchanged: its code stays as measured on AVX-512.)
        return vectors == 1 ? pixels + span + 1 <= v.Registers - 2 || (v.Registers == 16 && fits) : fits;
    }

    /// <summary>
    /// Whether a depthwise block spells out each of its kernel rows instead of looping over them (with shared input loads
    /// and at most 3 kernel rows): every load is then [x + constant] from references set once per channel vector, where
    /// the loop recomputed 4 kernel and input addresses per row with int arithmetic and sign extensions (about 20 integer
    /// instructions beside 24 FMAs and their loads: close to the 72 a 6-wide core issues in the 12 cycles those FMAs take).
    /// Same taps, same order, same sums. Only where measured (16-register widths, Zen 3: MobileNet96's depthwise layers 17.2 / 13.9 / 8.0
    /// → 15.2 / 13.0 / 7.3 µs in profiles, the pass 377 → 374 µs); the 512-bit kernels keep the loop until measured on an
    /// AVX-512 machine.
    /// </summary>
    private static bool UnrollsKernelRows(DepthwiseStep s, VectorWidth v, int pixels, int vectors)
        => v.Registers == 16 && s.KernelH <= 3 && SharesInputLoads(s, v, pixels, vectors);

    /// <summary>
    /// The channel index's type: native int where the kernel rows are spelled out (<see cref="UnrollsKernelRows"/>), so
    /// that <c>input + c</c> and <c>kernel + c</c> need no widening.
    /// </summary>
    private static string ChannelIndex(DepthwiseStep s, VectorWidth v, int pixels, int vectors)
        => UnrollsKernelRows(s, v, pixels, vectors) ? "nint" : "int";

    /// <summary>
    /// One pass of a depthwise block over <paramref name="vectors"/> channel vectors from <c>c</c>: <paramref name="pixels"/>
    /// accumulators per vector, every kernel row's taps in order.
    /// </summary>
    private static void DepthwiseChannels(SourceWriter w, DepthwiseStep s, VectorWidth v, int pixels, int vectors)
    {
        for (int j = 0; j < vectors; j++)
        {
            w.Line($"var b{Suffix(j)} = {Load(v, "bias", "c" + ChannelOffset(v, j))};");
            for (int p = 0; p < pixels; p++) w.Line($"var a{p}{Suffix(j)} = b{Suffix(j)};");
        }
        if (UnrollsKernelRows(s, v, pixels, vectors))
        {
            w.Line($"ref float x = ref {At("input", "c")};");
            w.Line($"ref float k = ref {At("kernel", "c")};");
            for (int ky = 0; ky < s.KernelH; ky++)
            {
                w.Line($"// kernel row {I(ky)}");
                w.Open("");
                SharedInputTaps(w, s, v, pixels, vectors, "k", kernel: kx => $"{I(ky * s.KernelW + kx)} * PaddedChannels", input: i => $"({I(ky)} * DilationH * InRow + {I(i)}) * Channels");
                w.Close();
            }
            StoreDepthwise(w, s, v, pixels, vectors);
            return;
        }
        w.Open("for (int ky = 0; ky < KernelH; ky++)");
        if (SharesInputLoads(s, v, pixels, vectors))
        {
            // Neighbouring outputs share inputs: load each of the row's input vectors once and use it for every tap
            // that reads it (3 output pixels × 3 taps read 5 inputs, not 9). Pixel by pixel, each input loaded just
            // before its first use: few inputs are live at once, and the loads spread among the FMAs instead of
            // queueing ahead of them (stride 2 from L1: a fifth less time). Same taps in the same order as below.
            w.Line($"ref float x = ref {At("input", "ky * DilationH * InRow * Channels + c")};");
            SharedInputTaps(w, s, v, pixels, vectors, "kernel", kernel: kx => $"(ky * KernelW + {I(kx)}) * PaddedChannels + c", input: i => $"{I(i)} * Channels");
        }
        else
        {
            Debug.Assert(vectors == 1, "Pairs of channel vectors need the shared input loads.");
            w.Open("for (int kx = 0; kx < KernelW; kx++)");
            w.Line($"var k = {Load(v, "kernel", "(ky * KernelW + kx) * PaddedChannels + c")};");
            w.Line($"ref float x = ref {At("input", "(ky * DilationH * InRow + kx * DilationW) * Channels + c")};");
            for (int p = 0; p < pixels; p++) w.Line($"a{p} = {Simd}.Fma({Load(v, "x", $"{p} * StrideW * Channels")}, k, a{p});");
            w.Close();
        }
        w.Close();
        StoreDepthwise(w, s, v, pixels, vectors);
    }

    /// <summary>
    /// One kernel row of a depthwise block with shared input loads: the row's kernel vectors from
    /// <paramref name="kernelReference"/> at <paramref name="kernel"/>(kx), each input vector of the row once from <c>x</c>
    /// at <paramref name="input"/>(i), just before its first use, then every tap that reads it.
    /// </summary>
    private static void SharedInputTaps(SourceWriter w, DepthwiseStep s, VectorWidth v, int pixels, int vectors, string kernelReference,
        Func<int, string> kernel, Func<int, string> input)
    {
        for (int j = 0; j < vectors; j++)
        {
            for (int kx = 0; kx < s.KernelW; kx++) w.Line($"var k{kx}{Suffix(j)} = {Load(v, kernelReference, kernel(kx) + ChannelOffset(v, j))};");
        }
        int loaded = 0;
        for (int p = 0; p < pixels; p++)
        {
            for (int kx = 0; kx < s.KernelW; kx++)
            {
                int i = p * s.StrideW + kx;
                for (; loaded <= i; loaded++)
                {
                    for (int j = 0; j < vectors; j++) w.Line($"var x{loaded}{Suffix(j)} = {Load(v, "x", input(loaded) + ChannelOffset(v, j))};");
                }
                for (int j = 0; j < vectors; j++) w.Line($"a{p}{Suffix(j)} = {Simd}.Fma(x{i}{Suffix(j)}, k{kx}{Suffix(j)}, a{p}{Suffix(j)});");
            }
        }
    }

    /// <summary>Activates and stores a depthwise block's accumulators: pixel <c>p</c>, channel vector <c>j</c> from <c>c</c>.</summary>
    private static void StoreDepthwise(SourceWriter w, DepthwiseStep s, VectorWidth v, int pixels, int vectors)
    {
        for (int j = 0; j < vectors; j++)
        {
            for (int p = 0; p < pixels; p++) w.Line(Store(v, Activate($"a{p}{Suffix(j)}", s.Activation), "output", $"{p} * Channels + c{ChannelOffset(v, j)}"));
        }
    }

    /// <summary>Name suffix of a depthwise block's variables for channel vector <paramref name="j"/> (none for the first).</summary>
    private static string Suffix(int j) => j == 0 ? "" : $"_{I(j)}";

    /// <summary>Offset of channel vector <paramref name="j"/> from <c>c</c> in a depthwise block (none for the first).</summary>
    private static string ChannelOffset(VectorWidth v, int j) => j == 0 ? "" : $" + {I(j * v.Lanes)}";
}
