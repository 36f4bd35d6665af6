using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ShapeGen.Generators.Engine;

namespace ShapeGen.Generators.Generation.Forward;

/// <summary>
/// Kernels for tiny layers, where the standard kernels (one vector of output channels per pixel) leave most lanes idle
/// and per-call overhead dominates: the few-filter convolutions of <see cref="SmallConvolutions"/>, their input copies,
/// Dense layers on a single position (several independent FMA chains instead of one), and pooling over fewer channels
/// than a vector holds. The convolutions apply tanh and sigmoid in registers too (<c>VectorMath.TanhSingle</c> and
/// <c>SigmoidSingle</c>: single precision, within a few ulp of the double-precision pass).
/// </summary>
internal static class SmallConvolutionEmitter
{
    private const string Unsafe = KernelEmitter.Unsafe;
    private const string Memory = KernelEmitter.Memory;
    private const string Simd = "global::ShapeGen.Runtime.Simd";
    private const string Blocks = "global::ShapeGen.Runtime.SimdBlocks";
    private const string VectorMath = "global::ShapeGen.Runtime.VectorMath";

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string At(string reference, string offset) => $"{Unsafe}.Add(ref {reference}, {offset})";

    private static string Load(VectorWidth v, string reference, string offset) => $"{v.Static}.LoadUnsafe(ref {reference}, (nuint)({offset}))";

    /// <summary>A Dense layer on one position (a 1×1 convolution with one output pixel) with at most 16 units.</summary>
    private static bool IsSmallDense(ConvolutionStep s)
        => s.OutH == 1 && s.OutW == 1 && s.KernelH == 1 && s.KernelW == 1 && s.Filters <= 16 && s.Channels >= 4;

    /// <summary>Whether the step's kernel (for every width) applies its activation itself, so no pass follows it.</summary>
    public static bool FusesActivation(ForwardStep step)
        => step is PixelPackedConvolutionStep or ChannelBlockConvolutionStep || (step is ConvolutionStep c && IsSmallDense(c))
            ? step.Activation is ActivationKind.Linear or ActivationKind.Relu or ActivationKind.Relu6 or ActivationKind.Tanh or ActivationKind.Sigmoid
            : false;

    public static string? Describe(ForwardStep step) => step switch
    {
        ReplicateStep s => $"copy {s.SourceH}×{s.SourceW} into {s.OutH}×{s.OutW} at ({s.Top}, {s.Left}), each value ×{s.Factor} (zero border kept from allocation)",
        BorderedCopyStep s => $"copy {s.SourceH}×{s.SourceW}×{s.Channels} into the interior of {s.OutH}×{s.OutW} at ({s.Top}, {s.Left}) (zero border kept from allocation)",
        PixelPackedConvolutionStep s => $"convolution {s.KernelH}×{s.KernelW}, stride {s.StrideH}×1, 1 → {s.Filters} channels, output {s.OutH}×{s.OutW}, pixels × filters per vector",
        ChannelBlockConvolutionStep s => $"convolution {s.KernelH}×{s.KernelW}, stride {s.StrideH}×{s.StrideW}, 4 → {s.Filters} channels, output {s.OutH}×{s.OutW}, filters × channels per vector",
        _ => null,
    };

    /// <summary>Writes the kernel body when one of these kernels handles the step (for this width); false otherwise.</summary>
    public static bool TryWrite(SourceWriter w, ForwardStep step, VectorWidth v)
    {
        switch (step)
        {
            case ReplicateStep s: Replicate(w, s, v); return true;
            case BorderedCopyStep s: BorderedCopy(w, s); return true;
            case PixelPackedConvolutionStep s: PixelPacked(w, s, v); return true;
            case ChannelBlockConvolutionStep s:
                if (v.Lanes == 16) ChannelBlocks512(w, s, v);
                else if (v.Lanes == 8) ChannelBlocks256(w, s, v);
                else ChannelBlocksNarrow(w, s, v);
                return true;
            case ConvolutionStep s when IsSmallDense(s): SmallDense(w, s, v); return true;
            case PoolStep s when s.Channels % 4 == 0 && s.Channels < v.Lanes: NarrowPool(w, s); return true;
            default: return false;
        }
    }

    // ---- activations ------------------------------------------------------------------------------------------------

    // ReLU and ReLU6 as in every kernel (KernelEmitter); these kernels also fuse tanh and sigmoid.
    private static string Activate(string value, ActivationKind activation) => activation switch
    {
        ActivationKind.Tanh => $"{VectorMath}.TanhSingle({value})",
        ActivationKind.Sigmoid => $"{VectorMath}.SigmoidSingle({value})",
        _ => KernelEmitter.Activate(value, activation),
    };

    private static string ActivateScalar(string value, ActivationKind activation) => activation switch
    {
        ActivationKind.Tanh => $"global::ShapeGen.Runtime.Activations.Scalar(global::ShapeGen.Activation.Tanh, {value})",
        ActivationKind.Sigmoid => $"global::ShapeGen.Runtime.Activations.Scalar(global::ShapeGen.Activation.Sigmoid, {value})",
        _ => KernelEmitter.ActivateScalar(value, activation),
    };

    /// <summary>Stores the first <paramref name="count"/> lanes of a vector local (whole 128-bit pieces, then single lanes).</summary>
    private static void StoreFirst(SourceWriter w, VectorWidth v, string local, string reference, string offset, int count)
    {
        if (count >= v.Lanes)
        {
            w.Line($"{v.Static}.StoreUnsafe({local}, ref {reference}, (nuint)({offset}));");
            return;
        }
        const string V128 = "global::System.Runtime.Intrinsics.Vector128", V256 = "global::System.Runtime.Intrinsics.Vector256";
        string V512 = "global::System.Runtime.Intrinsics.Vector512";
        int done = 0;
        if (v.Lanes == 16 && count >= 8)
        {
            w.Line($"{V256}.StoreUnsafe({V512}.GetLower({local}), ref {reference}, (nuint)({offset}));");
            done = 8;
        }
        while (count - done >= 4)
        {
            string piece = v.Lanes switch
            {
                16 => done switch
                {
                    0 => $"{V256}.GetLower({V512}.GetLower({local}))",
                    4 => $"{V256}.GetUpper({V512}.GetLower({local}))",
                    8 => $"{V256}.GetLower({V512}.GetUpper({local}))",
                    _ => $"{V256}.GetUpper({V512}.GetUpper({local}))",
                },
                8 => done == 0 ? $"{V256}.GetLower({local})" : $"{V256}.GetUpper({local})",
                _ => local,
            };
            w.Line($"{V128}.StoreUnsafe({piece}, ref {reference}, (nuint)({offset} + {done}));");
            done += 4;
        }
        for (; done < count; done++)
        {
            w.Line($"{At(reference, $"{offset} + {done}")} = {v.Static}.GetElement({local}, {done});");
        }
    }

    // ---- input copies -----------------------------------------------------------------------------------------------

    private static void Replicate(SourceWriter w, ReplicateStep s, VectorWidth v)
    {
        int first = s.Left, end = Math.Min(s.OutW, s.Left + s.SourceW);
        int rowEnd = Math.Min(s.SourceH, s.OutH - s.Top);
        int copied = end - first;
        if (copied <= 0 || rowEnd <= 0) return; // only zeros in the window
        w.Line($"const int SourceW = {I(s.SourceW)};");
        w.Line($"const int RowFloats = {I(s.RowFloats)};");
        w.Line($"const int Top = {I(s.Top)};");
        w.Line($"const int Left = {I(s.Left)};");
        w.Line($"const int Factor = {I(s.Factor)};");
        w.Open($"for (int iy = 0; iy < {I(rowEnd)}; iy++)");
        w.Line($"ref float input = ref {At("source", "iy * SourceW")};");
        w.Line($"ref float output = ref {At("destination", "(iy + Top) * RowFloats + Left * Factor")};");
        if (s.Factor == 1)
        {
            CopyFloats(w, v, copied);
        }
        else if (v.Lanes == 16 && s.Factor is 2 or 4)
        {
            // 16 / Factor source pixels per permute (whole 128- or 256-bit loads inside the row), then one pixel at a time.
            int group = 16 / s.Factor;
            string indices = string.Join(", ", Enumerable.Range(0, 16).Select(l => I(l / s.Factor)));
            string widen = s.Factor == 4 ? "global::System.Runtime.Intrinsics.Vector256.ToVector512Unsafe(global::System.Runtime.Intrinsics.Vector128.ToVector256Unsafe(global::System.Runtime.Intrinsics.Vector128.LoadUnsafe(ref input, (nuint)x)))"
                : "global::System.Runtime.Intrinsics.Vector256.ToVector512Unsafe(global::System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref input, (nuint)x))";
            if (copied >= group)
            {
                w.Line($"var repeat = {v.Static}.Create({indices});");
                w.Open($"for (int x = 0; x <= {I(copied - group)}; x += {I(group)})");
                w.Line($"{v.Static}.StoreUnsafe({v.Static}.Shuffle({widen}, repeat), ref output, (nuint)(x * Factor));");
                w.Close();
            }
            ReplicateTail(w, s, copied / group * group, copied);
        }
        else
        {
            ReplicateTail(w, s, 0, copied);
        }
        w.Close();
    }

    /// <summary>Copies <paramref name="count"/> floats from <c>input</c> to <c>output</c>: whole vectors, then single floats (no read past the row).</summary>
    private static void CopyFloats(SourceWriter w, VectorWidth v, int count)
    {
        if (count > 64)
        {
            w.Line($"{Memory}.CreateReadOnlySpan(ref input, {I(count)}).CopyTo({Memory}.CreateSpan(ref output, {I(count)}));");
            return;
        }
        int done = 0;
        foreach (var (lanes, type) in new[] { (16, "global::System.Runtime.Intrinsics.Vector512"), (8, "global::System.Runtime.Intrinsics.Vector256"), (4, "global::System.Runtime.Intrinsics.Vector128") })
        {
            if (lanes > v.Lanes) continue;
            for (; count - done >= lanes; done += lanes)
            {
                w.Line($"{type}.StoreUnsafe({type}.LoadUnsafe(ref input, (nuint){I(done)}), ref output, (nuint){I(done)});");
            }
        }
        for (; done < count; done++) w.Line($"{At("output", I(done))} = {At("input", I(done))};");
    }

    private static void ReplicateTail(SourceWriter w, ReplicateStep s, int from, int to)
    {
        if (from >= to) return;
        w.Open($"for (int x = {I(from)}; x < {I(to)}; x++)");
        if (s.Factor == 4)
        {
            w.Line($"global::System.Runtime.Intrinsics.Vector128.StoreUnsafe(global::System.Runtime.Intrinsics.Vector128.Create({At("input", "x")}), ref output, (nuint)(x * Factor));");
        }
        else
        {
            w.Line($"float value = {At("input", "x")};");
            for (int f = 0; f < s.Factor; f++) w.Line($"{At("output", $"x * Factor + {f}")} = value;");
        }
        w.Close();
    }

    private static void BorderedCopy(SourceWriter w, BorderedCopyStep s)
    {
        int first = s.Left, end = Math.Min(s.OutW, s.Left + s.SourceW);
        int rowEnd = Math.Min(s.SourceH, s.OutH - s.Top);
        int copied = end - first;
        if (copied <= 0 || rowEnd <= 0) return;
        w.Line($"const int SourceW = {I(s.SourceW)};");
        w.Line($"const int Channels = {I(s.Channels)};");
        w.Line($"const int OutW = {I(s.OutW)};");
        w.Line($"const int Top = {I(s.Top)};");
        w.Line($"const int Left = {I(s.Left)};");
        w.Open($"for (int iy = 0; iy < {I(rowEnd)}; iy++)");
        w.Line($"{Memory}.CreateReadOnlySpan(ref {At("source", "iy * SourceW * Channels")}, {I(copied)} * Channels)");
        w.Line($"    .CopyTo({Memory}.CreateSpan(ref {At("destination", "((iy + Top) * OutW + Left) * Channels")}, {I(copied)} * Channels));");
        w.Close();
    }

    // ---- one input channel: pixels × filters per vector -------------------------------------------------------------

    private static void PixelPacked(SourceWriter w, PixelPackedConvolutionStep s, VectorWidth v)
    {
        int fp = s.Filters;
        int perVector = v.Lanes / fp;                      // output pixels per vector
        int groups = (s.OutW + perVector - 1) / perVector; // vectors per output row
        // Few taps: every tap's weight vector stays in a register and the tap loops are unrolled (512-bit: with
        // aligned row loads shifted per tap, so the horizontal offsets are constants of the emitter, not the code).
        bool unrolled = s.KernelH * s.KernelW <= UnrolledTaps(v);
        bool shifted = unrolled && v.Lanes == 16;
        // Accumulators. Narrower than 512 bits there are 16 registers (AVX2): with the taps in a loop (one weight
        // register) twelve accumulators fit and cover the 4-cycle latency of two FMA pipes; eight leave room for the
        // four unrolled taps' weights (StridePaddingZoo's 4×4 convolution on Zen 3: 0.51 → 0.42 µs).
        int budget = v.Lanes == 16 ? 6 : unrolled ? 8 : 12;
        int chunk = Math.Min(groups, budget);              // vectors per row in one block
        int rows = Math.Max(1, Math.Min(budget / chunk, Math.Min(s.OutH, 4)));
        int chunks = (groups + chunk - 1) / chunk;
        int lastChunk = groups - (chunks - 1) * chunk;
        int lastPixels = s.OutW - (groups - 1) * perVector; // valid pixels in a row's last vector

        w.Line($"const int InPitch = {I(s.InPitch)};");
        if (!shifted) w.Line($"const int Filters = {I(fp)};");
        w.Line($"const int OutH = {I(s.OutH)};");
        w.Line($"const int OutPitch = {I(s.OutPitch)};");
        w.Line($"const int OutStart = {I(s.OutStart)};");
        w.Line($"const int StrideH = {I(s.StrideH)};");
        if (!unrolled)
        {
            w.Line($"const int KernelH = {I(s.KernelH)};");
            w.Line($"const int KernelW = {I(s.KernelW)};");
        }
        w.Line($"const int DilationH = {I(s.DilationH)};");
        if (!shifted) w.Line($"const int DilationW = {I(s.DilationW)};");
        w.Line($"ref float kernel = ref {At("weights", I(s.PackedKernelOffset))};");
        w.Line($"var b = {Load(v, "weights", I(s.PackedBiasOffset))};");
        if (unrolled)
        {
            for (int t = 0; t < s.KernelH * s.KernelW; t++) w.Line($"var k{t} = {Load(v, "kernel", I(t * 16))};");
        }

        void Block(int blockRows)
        {
            if (chunks > 1)
            {
                w.Open($"for (int g0 = 0; g0 < {I((chunks - 1) * chunk)}; g0 += {I(chunk)})");
                PixelPackedChunk(w, s, v, blockRows, chunk, lastPixels: -1, unrolled);
                w.Close();
            }
            w.Open("");
            w.Line($"const int g0 = {I((chunks - 1) * chunk)};");
            PixelPackedChunk(w, s, v, blockRows, lastChunk, lastPixels, unrolled);
            w.Close();
        }

        w.Line("int oy = 0;");
        if (s.OutH >= rows)
        {
            w.Open($"for (; oy <= OutH - {I(rows)}; oy += {I(rows)})");
            Block(rows);
            w.Close();
        }
        if (s.OutH % rows != 0)
        {
            w.Open("for (; oy < OutH; oy++)");
            Block(1);
            w.Close();
        }
    }

    /// <summary>
    /// <paramref name="rows"/> output rows × <paramref name="vectors"/> consecutive pixel vectors from vector <c>g0</c>
    /// of the row; the last vector holds <paramref name="lastPixels"/> valid pixels when that is not −1.
    /// </summary>
    private static void PixelPackedChunk(SourceWriter w, PixelPackedConvolutionStep s, VectorWidth v, int rows, int vectors, int lastPixels, bool unrolled)
    {
        // A vector holds Lanes / Filters pixels, so vector g starts at float g·Lanes of the row.
        w.Line($"ref float input = ref {At("source", $"oy * StrideH * InPitch + g0 * {I(v.Lanes)}")};");
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < vectors; j++) w.Line($"var a{r}_{j} = b;");
        }
        if (unrolled && v.Lanes == 16)
        {
            // 512-bit: a tap's input vectors start kx·DilationW pixels into the row, mostly across a cache line. Load the
            // row's vectors aligned once per kernel row and shift each tap's vectors into place (valignd).
            for (int ky = 0; ky < s.KernelH; ky++)
            {
                for (int r = 0; r < rows; r++)
                {
                    var shifts = Enumerable.Range(0, s.KernelW).Select(kx => kx * s.DilationW * s.Filters).ToList();
                    var needed = new SortedSet<int>();
                    foreach (int shift in shifts)
                    {
                        for (int j = 0; j < vectors; j++)
                        {
                            needed.Add(j + shift / 16);
                            if (shift % 16 != 0) needed.Add(j + shift / 16 + 1);
                        }
                    }
                    w.Open("");
                    string row = $"({ky} * DilationH + {r} * StrideH) * InPitch";
                    foreach (int m in needed) w.Line($"var v{m} = {Load(v, "input", $"{row} + {m * 16}")};");
                    for (int kx = 0; kx < s.KernelW; kx++)
                    {
                        int shift = shifts[kx];
                        for (int j = 0; j < vectors; j++)
                        {
                            int m = j + shift / 16;
                            string x = shift % 16 == 0 ? $"v{m}" : $"{Blocks}.Shift(v{m}, v{m + 1}, {I(shift % 16)})";
                            w.Line($"a{r}_{j} = {Simd}.Fma({x}, k{ky * s.KernelW + kx}, a{r}_{j});");
                        }
                    }
                    w.Close();
                }
            }
        }
        else
        {
            void Taps(string k, string x)
            {
                for (int r = 0; r < rows; r++)
                {
                    for (int j = 0; j < vectors; j++)
                    {
                        w.Line($"a{r}_{j} = {Simd}.Fma({Load(v, "input", $"{x} + {r} * StrideH * InPitch + {j * v.Lanes}")}, {k}, a{r}_{j});");
                    }
                }
            }
            if (unrolled)
            {
                for (int ky = 0; ky < s.KernelH; ky++)
                {
                    for (int kx = 0; kx < s.KernelW; kx++)
                    {
                        Taps($"k{ky * s.KernelW + kx}", $"{ky} * DilationH * InPitch + {kx} * DilationW * Filters");
                    }
                }
            }
            else
            {
                w.Open("for (int ky = 0; ky < KernelH; ky++)");
                w.Open("for (int kx = 0; kx < KernelW; kx++)");
                w.Line($"var k = {Load(v, "kernel", "(ky * KernelW + kx) * 16")};");
                w.Line("int x = ky * DilationH * InPitch + kx * DilationW * Filters;");
                Taps("k", "x");
                w.Close();
                w.Close();
            }
        }
        w.Line($"ref float output = ref {At("destination", $"OutStart + oy * OutPitch + g0 * {I(v.Lanes)}")};");
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < vectors; j++)
            {
                w.Line($"var y{r}_{j} = {Activate($"a{r}_{j}", s.Activation)};");
                int count = j == vectors - 1 && lastPixels >= 0 ? lastPixels * s.Filters : v.Lanes;
                StoreFirst(w, v, $"y{r}_{j}", "output", $"{r} * OutPitch + {j * v.Lanes}", count);
            }
        }
    }

    /// <summary>Taps whose weight vectors are kept in registers (the rest of the register file holds accumulators).</summary>
    private static int UnrolledTaps(VectorWidth v) => v.Lanes == 16 ? 16 : 4;

    // ---- four input channels: filters × channels per vector ---------------------------------------------------------

    private static void ChannelBlockConstants(SourceWriter w, ChannelBlockConvolutionStep s, bool tapLoops = true)
    {
        w.Line($"const int InRow = {I(s.InRow)};");
        w.Line($"const int OutW = {I(s.OutW)};");
        w.Line($"const int Filters = {I(s.Filters)};");
        w.Line($"const int StrideH = {I(s.StrideH)};");
        w.Line($"const int StrideW = {I(s.StrideW)};");
        if (tapLoops)
        {
            w.Line($"const int KernelH = {I(s.KernelH)};");
            w.Line($"const int KernelW = {I(s.KernelW)};");
        }
        w.Line($"const int DilationH = {I(s.DilationH)};");
        w.Line($"const int DilationW = {I(s.DilationW)};");
        w.Line($"ref float kernel = ref {At("weights", I(s.PackedKernelOffset))};");
    }

    /// <summary>The source offset (floats) of output pixel <paramref name="pixel"/> (an expression).</summary>
    private static string PixelOffset(string pixel) => $"(({pixel}) / OutW * StrideH * InRow + ({pixel}) % OutW * StrideW) * 4";

    private static void ChannelBlocks512(SourceWriter w, ChannelBlockConvolutionStep s, VectorWidth v)
    {
        // Few taps: every tap's 4×4 weights stay in a register and the tap loops are unrolled.
        int taps = s.KernelH * s.KernelW;
        bool unrolled = taps <= UnrolledTaps(v);
        ChannelBlockConstants(w, s, tapLoops: !unrolled);
        w.Line($"var b = {Load(v, "weights", I(s.PackedBiasOffset))};");
        if (unrolled)
        {
            for (int t = 0; t < taps; t++) w.Line($"var k{t} = {Load(v, "kernel", I(t * 16))};");
        }
        int pixels = s.OutH * s.OutW;
        int fullQuads = pixels / 4;
        int pairs = fullQuads / 2;
        // The source is pinned workspace memory, unless it is one of the caller's spans.
        string broadcast = s.Sources[0] is Buffers.Input or Buffers.Output ? $"{Blocks}.Broadcast4" : $"{Blocks}.Broadcast4Pinned";
        string? compact = s.Filters == 4 ? null
            : string.Join(", ", Enumerable.Range(0, 16).Select(l => I(l < 4 * s.Filters ? l / s.Filters * 4 + l % s.Filters : 15)));
        if (compact != null) w.Line($"var compact = {v.Static}.Create({compact});");

        void Quads(IReadOnlyList<string> quadStarts, IReadOnlyList<int> validPixels)
        {
            int count = quadStarts.Count;
            for (int q = 0; q < count; q++)
            {
                for (int p = 0; p < 4; p++)
                {
                    // Pixels past the end (the last quad) repeat the last pixel: no read outside the image.
                    string pixel = p < validPixels[q] ? $"{quadStarts[q]} + {p}" : I(pixels - 1);
                    w.Line($"ref float x{q}_{p} = ref {At("source", PixelOffset(pixel))};");
                    w.Line($"var a{q}_{p} = {v.Type}.Zero;");
                }
            }
            void Tap(string k, string tap)
            {
                for (int q = 0; q < count; q++)
                {
                    for (int p = 0; p < 4; p++) w.Line($"a{q}_{p} = {Simd}.Fma({broadcast}(ref {At($"x{q}_{p}", tap)}), {k}, a{q}_{p});");
                }
            }
            if (unrolled)
            {
                for (int ky = 0; ky < s.KernelH; ky++)
                {
                    for (int kx = 0; kx < s.KernelW; kx++) Tap($"k{ky * s.KernelW + kx}", $"({ky} * DilationH * InRow + {kx} * DilationW) * 4");
                }
            }
            else
            {
                w.Open("for (int ky = 0; ky < KernelH; ky++)");
                w.Open("for (int kx = 0; kx < KernelW; kx++)");
                w.Line($"var k = {Load(v, "kernel", "(ky * KernelW + kx) * 16")};");
                w.Line("int tap = (ky * DilationH * InRow + kx * DilationW) * 4;");
                Tap("k", "tap");
                w.Close();
                w.Close();
            }
            for (int q = 0; q < count; q++)
            {
                string sum = $"{Blocks}.SumBlocks(a{q}_0, a{q}_1, a{q}_2, a{q}_3)";
                if (compact != null) sum = $"{v.Static}.Shuffle({sum}, compact)";
                w.Line($"var y{q} = {Activate($"{sum} + b", s.Activation)};");
                StoreFirst(w, v, $"y{q}", "destination", $"({quadStarts[q]}) * Filters", validPixels[q] * s.Filters);
            }
        }

        if (pairs > 0)
        {
            w.Open($"for (int q = 0; q < {I(pairs * 8)}; q += 8)");
            Quads(new[] { "q", "q + 4" }, new[] { 4, 4 });
            w.Close();
        }
        var starts = new List<string>();
        var valid = new List<int>();
        for (int start = pairs * 8; start < pixels; start += 4)
        {
            starts.Add(I(start));
            valid.Add(Math.Min(4, pixels - start));
        }
        if (starts.Count > 0)
        {
            w.Open("");
            Quads(starts, valid);
            w.Close();
        }
    }

    /// <summary>
    /// 256-bit: four pixels at a time, each with one accumulator per two filters (lanes <c>filter·4 + channel</c>), the
    /// pixel's four channels broadcast to both halves. The channel sums of the four pixels come out of one unpack-and-add
    /// network (<c>SimdBlocks.SumBlocks</c>) and one transpose (<c>SimdBlocks.PixelMajor</c>), so the bias and the
    /// activation are applied to whole vectors: per-pixel scalar sums and scalar tanh made small layers 2.4–3.4× slower
    /// (StridePaddingZoo on Zen 3: 0.62 → 0.26 and 0.34 → 0.10 µs).
    /// </summary>
    private static void ChannelBlocks256(SourceWriter w, ChannelBlockConvolutionStep s, VectorWidth v)
    {
        const string V128 = "global::System.Runtime.Intrinsics.Vector128", V256 = "global::System.Runtime.Intrinsics.Vector256";
        ChannelBlockConstants(w, s);
        // The unpacked bias has PaddedFilters (≥ 4) entries, zero past Filters: one 128-bit load, repeated per pixel.
        w.Line($"var bias4 = {V128}.LoadUnsafe(ref {At("weights", I(s.BiasOffset))});");
        w.Line($"var b = {V256}.Create(bias4, bias4);");
        bool twoHalves = s.Filters > 2;
        int pixels = s.OutH * s.OutW;
        string broadcast = s.Sources[0] is Buffers.Input or Buffers.Output ? $"{Blocks}.Broadcast4x2" : $"{Blocks}.Broadcast4x2Pinned";

        // A pixel's 128-bit store writes four floats from pixel·Filters; with fewer than four filters the extra floats
        // belong to the next pixels, which are stored later. Only where that would pass the end are lanes stored singly.
        bool WholeStore(int pixel) => (long)pixel * s.Filters + 4 <= (long)pixels * s.Filters;

        // A quad starting at pixel `first` (written out), or at the loop's `q` (null).
        void Quad(int? first, int valid)
        {
            string start = first is int firstPixel ? I(firstPixel) : "q";
            for (int p = 0; p < 4; p++)
            {
                // Pixels past the end (the last quad) repeat the last pixel: no read outside the image.
                string pixel = p < valid ? $"{start} + {p}" : I(pixels - 1);
                w.Line($"ref float x{p} = ref {At("source", PixelOffset(pixel))};");
                w.Line($"var a{p}_0 = {v.Type}.Zero;");
                if (twoHalves) w.Line($"var a{p}_1 = {v.Type}.Zero;");
            }
            w.Open("for (int ky = 0; ky < KernelH; ky++)");
            w.Open("for (int kx = 0; kx < KernelW; kx++)");
            w.Line("int tap = (ky * DilationH * InRow + kx * DilationW) * 4;");
            w.Line($"var k0 = {Load(v, "kernel", "(ky * KernelW + kx) * 16")};");
            if (twoHalves) w.Line($"var k1 = {Load(v, "kernel", "(ky * KernelW + kx) * 16 + 8")};");
            for (int p = 0; p < 4; p++)
            {
                w.Line($"var x{p}b = {broadcast}(ref {At($"x{p}", "tap")});");
                w.Line($"a{p}_0 = {Simd}.Fma(x{p}b, k0, a{p}_0);");
                if (twoHalves) w.Line($"a{p}_1 = {Simd}.Fma(x{p}b, k1, a{p}_1);");
            }
            w.Close();
            w.Close();
            string high = twoHalves ? $"{Blocks}.SumBlocks(a0_1, a1_1, a2_1, a3_1)" : $"{v.Type}.Zero";
            w.Line($"var (p01, p23) = {Blocks}.PixelMajor({Blocks}.SumBlocks(a0_0, a1_0, a2_0, a3_0), {high});");
            w.Line($"var y01 = {Activate("p01 + b", s.Activation)};");
            w.Line($"var y23 = {Activate("p23 + b", s.Activation)};");
            for (int p = 0; p < valid; p++)
            {
                string piece = $"{V256}.{(p % 2 == 0 ? "GetLower" : "GetUpper")}({(p < 2 ? "y01" : "y23")})";
                string offset = $"({start} + {p}) * Filters";
                if (first is not int known || WholeStore(known + p))
                {
                    w.Line($"{V128}.StoreUnsafe({piece}, ref destination, (nuint)({offset}));");
                }
                else
                {
                    for (int f = 0; f < s.Filters; f++) w.Line($"{At("destination", $"{offset} + {f}")} = {V128}.GetElement({piece}, {f});");
                }
            }
        }

        // The loop takes the quads whose every pixel can be stored whole; the rest are written out one by one.
        int loopQuads = 0;
        while ((loopQuads + 1) * 4 <= pixels && WholeStore(loopQuads * 4 + 3)) loopQuads++;
        if (loopQuads > 0)
        {
            w.Open($"for (int q = 0; q < {I(loopQuads * 4)}; q += 4)");
            Quad(null, 4);
            w.Close();
        }
        for (int start = loopQuads * 4; start < pixels; start += 4)
        {
            w.Open("");
            Quad(start, Math.Min(4, pixels - start));
            w.Close();
        }
    }

    /// <summary>128-bit: one pixel at a time, one accumulator of four channels per filter, sums per filter at the end.</summary>
    private static void ChannelBlocksNarrow(SourceWriter w, ChannelBlockConvolutionStep s, VectorWidth v)
    {
        const string V128 = "global::System.Runtime.Intrinsics.Vector128";
        ChannelBlockConstants(w, s);
        w.Line($"ref float bias = ref {At("weights", I(s.BiasOffset))};");
        w.Open($"for (int o = 0; o < {I(s.OutH * s.OutW)}; o++)");
        w.Line($"ref float x = ref {At("source", PixelOffset("o"))};");
        for (int f = 0; f < s.Filters; f++) w.Line($"var a{f} = {v.Type}.Zero;");
        w.Open("for (int ky = 0; ky < KernelH; ky++)");
        w.Open("for (int kx = 0; kx < KernelW; kx++)");
        w.Line($"var xb = {V128}.LoadUnsafe(ref x, (nuint)((ky * DilationH * InRow + kx * DilationW) * 4));");
        for (int f = 0; f < s.Filters; f++) w.Line($"a{f} = {Simd}.Fma(xb, {Load(v, "kernel", $"(ky * KernelW + kx) * 16 + {f * 4}")}, a{f});");
        w.Close();
        w.Close();
        w.Line($"ref float output = ref {At("destination", "o * Filters")};");
        for (int f = 0; f < s.Filters; f++)
        {
            string sum = $"({V128}.GetElement(a{f}, 0) + {V128}.GetElement(a{f}, 2)) + ({V128}.GetElement(a{f}, 1) + {V128}.GetElement(a{f}, 3))";
            w.Line($"{At("output", I(f))} = {ActivateScalar($"{sum} + {At("bias", I(f))}", s.Activation)};");
        }
        w.Close();
    }

    // ---- pooling over fewer channels than a vector holds -------------------------------------------------------------

    /// <summary>Max or average pooling with 4, 8 or 12 channels: 128-bit vectors per pixel instead of scalar channel loops.</summary>
    private static void NarrowPool(SourceWriter w, PoolStep s)
    {
        const string V128 = "global::System.Runtime.Intrinsics.Vector128";
        int chunks = s.Channels / 4;
        string start = s.Max ? $"{V128}.Create(float.NegativeInfinity)" : $"global::System.Runtime.Intrinsics.Vector128<float>.Zero";
        if ((long)s.OutH * s.OutW * s.PoolH * s.PoolW * chunks <= 256)
        {
            // A tiny map: every window is known now, so the code is straight-line with the clipped windows.
            for (int oy = 0; oy < s.OutH; oy++)
            {
                int y0 = oy * s.StrideH - s.PadTop, yStart = Math.Max(0, y0), yEnd = Math.Min(s.InH, y0 + s.PoolH);
                for (int ox = 0; ox < s.OutW; ox++)
                {
                    int x0 = ox * s.StrideW - s.PadLeft, xStart = Math.Max(0, x0), xEnd = Math.Min(s.InW, x0 + s.PoolW);
                    int cells = (yEnd - yStart) * (xEnd - xStart);
                    for (int j = 0; j < chunks; j++)
                    {
                        string result = start;
                        for (int y = yStart; y < yEnd; y++)
                        {
                            for (int x = xStart; x < xEnd; x++)
                            {
                                string value = $"{V128}.LoadUnsafe(ref source, (nuint){I(((long)y * s.InW + x) * s.Channels + 4 * j)})";
                                result = s.Max ? $"{V128}.Max({result}, {value})" : $"{result} + {value}";
                            }
                        }
                        if (!s.Max) result = $"({result}) * (1f / {I(cells)})";
                        w.Line($"{V128}.StoreUnsafe({result}, ref destination, (nuint){I(((long)oy * s.OutW + ox) * s.Channels + 4 * j)});");
                    }
                }
            }
            return;
        }
        w.Line($"const int InH = {I(s.InH)};");
        w.Line($"const int InW = {I(s.InW)};");
        w.Line($"const int Channels = {I(s.Channels)};");
        w.Line($"const int OutH = {I(s.OutH)};");
        w.Line($"const int OutW = {I(s.OutW)};");
        w.Line($"const int PoolH = {I(s.PoolH)};");
        w.Line($"const int PoolW = {I(s.PoolW)};");
        w.Line($"const int StrideH = {I(s.StrideH)};");
        w.Line($"const int StrideW = {I(s.StrideW)};");
        w.Line($"const int PadTop = {I(s.PadTop)};");
        w.Line($"const int PadLeft = {I(s.PadLeft)};");
        w.Open("for (int oy = 0; oy < OutH; oy++)");
        w.Line("int y0 = oy * StrideH - PadTop;");
        w.Line("int yStart = global::System.Math.Max(0, y0), yEnd = global::System.Math.Min(InH, y0 + PoolH);");
        w.Open("for (int ox = 0; ox < OutW; ox++)");
        w.Line("int x0 = ox * StrideW - PadLeft;");
        w.Line("int xStart = global::System.Math.Max(0, x0), xEnd = global::System.Math.Min(InW, x0 + PoolW);");
        for (int j = 0; j < chunks; j++) w.Line($"var r{j} = {start};");
        w.Open("for (int y = yStart; y < yEnd; y++)");
        w.Open("for (int x = xStart; x < xEnd; x++)");
        w.Line($"ref float pixel = ref {At("source", "(y * InW + x) * Channels")};");
        for (int j = 0; j < chunks; j++)
        {
            string value = $"{V128}.LoadUnsafe(ref pixel, (nuint){I(4 * j)})";
            w.Line(s.Max ? $"r{j} = {V128}.Max(r{j}, {value});" : $"r{j} += {value};");
        }
        w.Close();
        w.Close();
        if (!s.Max) w.Line("float scale = 1f / ((yEnd - yStart) * (xEnd - xStart)); // padded cells do not count");
        w.Line($"ref float output = ref {At("destination", "(oy * OutW + ox) * Channels")};");
        for (int j = 0; j < chunks; j++) w.Line($"{V128}.StoreUnsafe({(s.Max ? $"r{j}" : $"r{j} * scale")}, ref output, (nuint){I(4 * j)});");
        w.Close();
        w.Close();
    }

    // ---- Dense on one position --------------------------------------------------------------------------------------

    private static void SmallDense(SourceWriter w, ConvolutionStep s, VectorWidth v)
    {
        const int chains = 4;
        int vectors = (s.Filters + v.Lanes - 1) / v.Lanes;
        w.Line($"const int Channels = {I(s.Channels)};");
        w.Line($"const int PaddedFilters = {I(s.PaddedFilters)};");
        w.Line($"ref float kernel = ref {At("weights", I(s.KernelOffset))};");
        w.Line($"ref float bias = ref {At("weights", I(s.BiasOffset))};");
        for (int j = 0; j < vectors; j++)
        {
            w.Line($"var a{j}_0 = {Load(v, "bias", I(j * v.Lanes))};");
            for (int c = 1; c < chains; c++) w.Line($"var a{j}_{c} = {v.Type}.Zero;");
        }
        w.Line("int c = 0;");
        w.Open($"for (; c <= Channels - {chains}; c += {chains})");
        for (int c = 0; c < chains; c++)
        {
            w.Line($"var x{c} = {v.Static}.Create({At("source", $"c + {c}")});");
            for (int j = 0; j < vectors; j++) w.Line($"a{j}_{c} = {Simd}.Fma(x{c}, {Load(v, "kernel", $"(c + {c}) * PaddedFilters + {j * v.Lanes}")}, a{j}_{c});");
        }
        w.Close();
        w.Open("for (; c < Channels; c++)");
        w.Line($"var x = {v.Static}.Create({At("source", "c")});");
        for (int j = 0; j < vectors; j++) w.Line($"a{j}_0 = {Simd}.Fma(x, {Load(v, "kernel", $"c * PaddedFilters + {j * v.Lanes}")}, a{j}_0);");
        w.Close();
        for (int j = 0; j < vectors; j++)
        {
            w.Line($"var y{j} = {Activate($"(a{j}_0 + a{j}_1) + (a{j}_2 + a{j}_3)", s.Activation)};");
            StoreFirst(w, v, $"y{j}", "destination", I(j * v.Lanes), Math.Min(v.Lanes, s.Filters - j * v.Lanes));
        }
    }
}
