using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using ShapeGen.Generators.Engine;

namespace ShapeGen.Generators.Generation.Forward;

/// <summary>
/// Writes one step as a static method for one vector width. Every size is a <c>const</c>, loops run over fixed
/// bounds, memory is walked with unchecked references into pinned, aligned buffers, and the output-channel
/// loop of convolutions is register-blocked (several pixels × several vectors of accumulators).
/// </summary>
internal static class KernelEmitter
{
    public const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";
    public const string Memory = "global::System.Runtime.InteropServices.MemoryMarshal";
    private const string Simd = "global::ShapeGen.Runtime.Simd";
    private const string Optimize = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]";

    public static string MethodName(int index, ForwardStep step, VectorWidth width)
        => $"Step{index}_{step.GetType().Name.Replace("Step", "")}_{width.Suffix}";

    /// <summary>Whether the step's kernel applies its activation itself (ReLU/ReLU6 in the store).</summary>
    public static bool FusesInStore(ActivationKind activation) => activation is ActivationKind.Linear or ActivationKind.Relu or ActivationKind.Relu6;

    public static void Write(SourceWriter w, int index, ForwardStep step, VectorWidth width)
    {
        w.Line($"/// <summary>{CSharpLiterals.XmlEscape(step.LayerName)}: {CSharpLiterals.XmlEscape(Describe(step))}</summary>");
        w.Line(NetworkEmitter.GeneratedCodeAttribute);
        w.Line(Optimize);
        string sources = step switch
        {
            WinogradStep => "ref float workspace", // its input and scratch buffers are at known offsets in the workspace
            _ when step.Sources.Length == 1 => "ref float source",
            _ => string.Join(", ", step.Sources.Select((_, i) => $"ref float source{i}")),
        };
        string rows = step switch
        {
            WinogradStep => ", int tileRowStart, int tileRowEnd", // rows of 2×2 output tiles
            _ when ParallelSplit.HasRowRange(step) => ", int rowStart, int rowEnd", // output rows [rowStart, rowEnd)
            _ => "",
        };
        string name = MethodName(index, step, width);
        w.Open($"private static void {name}({sources}, ref float destination, ref float weights{rows})");
        var body = new SourceWriter();
        if (step.Frame is { } frame)
        {
            if (step is WinogradStep tiled)
                body.Line($"int rowStart = 2 * tileRowStart, rowEnd = global::System.Math.Min(2 * tileRowEnd, {I(tiled.OutH)}); // the output rows of those tiles");
            ZeroFrameBorder(body, step, frame);
        }
        switch (step)
        {
            // Tiny layers (SmallConvolutionEmitter.cs); those kernels write dense outputs, so a framed step takes the general one.
            case ForwardStep when step.Frame is null && SmallConvolutionEmitter.TryWrite(body, step, width): break;
            case ConvolutionStep s: Convolution(body, ForWidth(s, width), width); break;
            case WinogradStep s: WinogradEmitter.Write(body, s, width, WinogradEmitter.ProductsMethod(name)); break;
            case DepthwiseStep s: Depthwise(body, s, width); break;
            case WindowCopyStep s: WindowCopy(body, s); break;
            case PoolStep s: Pool(body, s, width); break;
            case GlobalPoolStep s: GlobalPool(body, s, width); break;
            case UpSampleStep s: UpSample(body, s); break;
            case ScaleShiftStep s: ScaleShift(body, s, width); break;
            case TransposeScatterStep s: TransposeScatter(body, s, width); break;
            case TransposeCropStep s: TransposeCrop(body, s, width); break;
            case ActivationStep s: ActivationPass(body, s); break;
            case AddStep s: Add(body, s, width); break;
            case ConcatenateStep s: Concatenate(body, s); break;
            case CopyStep s:
                body.Line($"{Memory}.CreateReadOnlySpan(ref source, {s.OutputElements}).CopyTo({Memory}.CreateSpan(ref destination, {s.OutputElements}));");
                break;
            default: throw new InvalidOperationException("Unknown step " + step.GetType().Name);
        }
        WriteWithoutUnusedConstants(w, body.ToString());
        w.Close();
        w.Line();
        if (step is WinogradStep winograd) WinogradEmitter.WriteProducts(w, winograd, width, WinogradEmitter.ProductsMethod(name));
    }

    private static readonly System.Text.RegularExpressions.Regex ConstantDeclaration =
        new(@"^\s*const int (\w+) = ", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>
    /// Copies a kernel body, leaving out the <c>const</c> sizes the chosen loop structure does not use (each kernel
    /// declares the layer's full geometry up front; an unused local constant would be a compiler warning).
    /// </summary>
    internal static void WriteWithoutUnusedConstants(SourceWriter w, string body)
    {
        var lines = body.TrimEnd('\n').Split('\n');
        foreach (var line in lines)
        {
            var match = ConstantDeclaration.Match(line);
            if (match.Success)
            {
                var use = new System.Text.RegularExpressions.Regex(@"\b" + match.Groups[1].Value + @"\b", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
                if (!lines.Any(other => !ReferenceEquals(other, line) && use.IsMatch(other))) continue;
            }
            w.Line(line);
        }
    }

    public static string Describe(ForwardStep step) => step switch
    {
        WinogradStep s => $"convolution 3×3 by Winograd F(2×2, 3×3), {s.Channels} → {s.Filters} channels, output {s.OutH}×{s.OutW} ({s.Tiles} tiles of 2×2)",
        ConvolutionStep s => $"convolution {s.KernelH}×{s.KernelW}, stride {s.StrideH}×{s.StrideW}, dilation {s.DilationH}×{s.DilationW}, {s.Channels} → {s.Filters} channels, output {s.OutH}×{s.OutW}{(s.Border is null ? "" : ", zero padding read in place")}{(s.PoolRows is null ? "" : $", each row's outputs {(s.PoolRows.Max ? "maxed" : "summed")} for the global pooling")}",
        DepthwiseStep s => $"depthwise {s.KernelH}×{s.KernelW}, stride {s.StrideH}×{s.StrideW}, {s.Channels} channels, output {s.OutH}×{s.OutW}",
        WindowCopyStep s => $"copy {s.SourceH}×{s.SourceW}×{s.Channels} into {s.OutH}×{s.OutW} at ({s.Top}, {s.Left}){(s.Multiplier > 1 ? $", each channel ×{s.Multiplier}" : "")}",
        PoolStep s => $"{(s.Max ? "max" : "average")} pool {s.PoolH}×{s.PoolW}, stride {s.StrideH}×{s.StrideW}, {s.InH}×{s.InW}×{s.Channels} → {s.OutH}×{s.OutW}",
        GlobalPoolStep s => s.OfRows
            ? $"global {(s.Max ? "max" : "average")} of the convolution's {s.Pixels} row results × {s.Channels} channels ({s.Divisor} pixels)"
            : $"global {(s.Max ? "max" : "average")} over {s.Pixels} pixels × {s.Channels} channels",
        UpSampleStep s => $"nearest upsampling ×{s.FactorH}×{s.FactorW} of {s.InH}×{s.InW}×{s.Channels}",
        ScaleShiftStep s => $"batch normalization (scale and shift) of {s.Pixels}×{s.Channels}",
        TransposeScatterStep s => $"transposed convolution {s.KernelH}×{s.KernelW}, stride {s.StrideH}×{s.StrideW}: scatter {s.InH}×{s.InW}×{s.Channels} into {s.FullH}×{s.FullW}×{s.Filters}",
        TransposeCropStep s => $"transposed convolution: crop to {s.OutH}×{s.OutW}×{s.Filters} at ({s.Top}, {s.Left}), add bias",
        ActivationStep s => $"{s.Activation} over {s.OutputElements} values",
        AddStep s => $"sum of {s.Sources.Length} tensors of {s.Elements} values",
        ConcatenateStep s => $"concatenate {string.Join(" + ", s.Channels)} channels over {s.Pixels} positions",
        _ when SmallConvolutionEmitter.Describe(step) is { } text => text,
        _ => "copy",
    };

    /// <summary>The contract of a row range (<see cref="ParallelSplit"/>); compiled only into the user's Debug builds.</summary>
    private const string RowRangeAssert = "global::System.Diagnostics.Debug.Assert(0 <= rowStart && rowStart <= rowEnd && rowEnd <= OutH);";

    internal static string I(long value) => value.ToString(CultureInfo.InvariantCulture);

    internal static void Constants(SourceWriter w, params (string Name, long Value)[] constants)
    {
        foreach (var (name, value) in constants)
        {
            w.Line($"const int {name} = {I(value)};");
        }
    }

    /// <summary>ReLU and ReLU6 applied to a vector in registers.</summary>
    internal static string Activate(string value, ActivationKind activation) => activation switch
    {
        ActivationKind.Relu => $"{Simd}.Relu({value})",
        ActivationKind.Relu6 => $"{Simd}.Relu6({value})",
        _ => value,
    };

    internal static string ActivateScalar(string value, ActivationKind activation) => activation switch
    {
        ActivationKind.Relu => $"global::System.MathF.Max({value}, 0f)",
        ActivationKind.Relu6 => $"global::System.MathF.Min(global::System.MathF.Max({value}, 0f), 6f)",
        _ => value,
    };

    internal static string Load(VectorWidth v, string reference, string offset) => $"{v.Static}.LoadUnsafe(ref {reference}, (nuint)({offset}))";

    internal static string Store(VectorWidth v, string value, string reference, string offset) => $"{v.Static}.StoreUnsafe({value}, ref {reference}, (nuint)({offset}));";

    internal static string At(string reference, string offset) => $"{Unsafe}.Add(ref {reference}, {offset})";

    /// <summary>
    /// Offset of output pixel (<paramref name="oy"/>, <paramref name="ox"/>): dense rows of <c>OutW</c> pixels, or inside the
    /// step's zero-bordered frame (the next layer's padding).
    /// </summary>
    internal static string OutputPixel(ForwardStep s, string oy, string ox, string channels) => s.Frame is { } f
        ? $"(({oy} + {I(f.Top)}) * {I(f.Width)} + {ox} + {I(f.Left)}) * {channels}"
        : $"({oy} * OutW + {ox}) * {channels}";

    /// <summary>
    /// Zeroes the border of the step's output frame, which the next layer reads as its zero padding. The buffer is a
    /// reused workspace slot, so the border is cleared on every call (a few rows and columns, not the whole image).
    /// Every frameable step has a row range; each call clears only the border beside its own rows (the top border with
    /// the first row, the bottom one with the last), so threads splitting the rows never write the same cache lines.
    /// </summary>
    private static void ZeroFrameBorder(SourceWriter w, ForwardStep step, OutputFrame f)
    {
        var (outH, outW, channels) = step.FrameableImage ?? throw new InvalidOperationException($"{step.GetType().Name} cannot write into a frame.");
        long row = (long)f.Width * channels;
        int right = f.Width - f.Left - outW, bottom = f.Height - f.Top - outH;
        w.Line($"// Zero padding around the {outH}×{outW} output in its {f.Height}×{f.Width} frame (read by the next layer).");
        if (f.Top > 0) w.Line($"if (rowStart == 0) {Memory}.CreateSpan(ref destination, {I(f.Top * row)}).Clear();");
        if (bottom > 0) w.Line($"if (rowEnd == {I(outH)}) {Memory}.CreateSpan(ref {At("destination", I((f.Top + outH) * row))}, {I(bottom * row)}).Clear();");
        if (f.Left > 0 || right > 0)
        {
            w.Open($"for (int y = rowStart + {I(f.Top)}; y < rowEnd + {I(f.Top)}; y++)");
            if (f.Left > 0) w.Line($"{Memory}.CreateSpan(ref {At("destination", $"y * {I(row)}")}, {I((long)f.Left * channels)}).Clear();");
            if (right > 0) w.Line($"{Memory}.CreateSpan(ref {At("destination", $"y * {I(row)} + {I((long)(f.Left + outW) * channels)}")}, {I((long)right * channels)}).Clear();");
            w.Close();
        }
    }

    private static void Convolution(SourceWriter w, ConvolutionStep s, VectorWidth v)
    {
        Constants(w, ("InRow", s.InRow), ("Channels", s.Channels), ("OutH", s.OutH), ("OutW", s.OutW), ("Filters", s.Filters),
            ("RowStride", s.RowStride), ("KernelH", s.KernelH), ("KernelW", s.KernelW), ("StrideH", s.StrideH),
            ("StrideW", s.StrideW), ("DilationH", s.DilationH), ("DilationW", s.DilationW));
        if (s.Border is { } border) Constants(w, ("Top", border.Top), ("Left", border.Left), ("SourceH", border.SourceH));
        w.Line($"ref float kernel = ref {At("weights", I(s.KernelOffset))};");
        w.Line($"ref float bias = ref {At("weights", I(s.BiasOffset))};");

        if (s.PoolRows is { } pooling)
        {
            // Each output row's activated outputs are reduced into destination[oy]: start this range's rows empty.
            w.Line($"{Memory}.CreateSpan(ref {At("destination", "rowStart * Filters")}, (rowEnd - rowStart) * Filters).{(pooling.Max ? "Fill(float.NegativeInfinity)" : "Clear()")};");
        }
        int perChunk = VectorsPerChunk(s, v);
        if (ParallelSplit.FilterParts(s) is int parts)
        {
            SplitDense(w, s, v, perChunk, parts);
            return;
        }
        int pixels = PixelsPerBlock(s.OutW, perChunk, TileBudget(s, v));
        int chunkFloats = perChunk * v.Lanes;
        int fullChunks = s.Filters / chunkFloats;
        int tailFilters = s.Filters - fullChunks * chunkFloats;

        if (ChunksOutermost(s, v))
        {
            // The kernel is larger than L2: walk it one chunk of filters at a time (that chunk's weights stay in L2)
            // over every pixel, instead of streaming all of it from L3 for every block of pixels.
            if (fullChunks > 0)
            {
                w.Open($"for (int f0 = 0; f0 < {fullChunks * chunkFloats}; f0 += {chunkFloats})");
                ConvolutionRows(w, s, v, pixels, (p, edge) => ConvolutionChunk(w, s, v, p, perChunk, s.Filters, edge: edge));
                w.Close();
            }
            if (tailFilters > 0)
            {
                w.Open("");
                w.Line($"const int f0 = {fullChunks * chunkFloats};");
                ConvolutionRows(w, s, v, pixels, (p, edge) => ConvolutionChunk(w, s, v, p, (tailFilters + v.Lanes - 1) / v.Lanes, fullChunks * chunkFloats + tailFilters, tailStart: fullChunks * chunkFloats, edge: edge));
                w.Close();
            }
            return;
        }
        ConvolutionRows(w, s, v, pixels, (p, edge) => ConvolutionBlock(w, s, v, p, perChunk, edge));
    }

    /// <summary>
    /// A single-position convolution (a Dense layer) whose range counts parts of <see cref="ParallelSplit.FilterPartSize"/>
    /// filters instead of rows, so that threads can share out its weights (memory-bound: each thread streams only its
    /// part, contiguous in memory: its kernel is laid out in blocks of a part's filters). The whole range runs the
    /// widest chunks a block holds; a part range runs its filters in chunks of at most 8 vectors. Every output is the
    /// same sum in the same order either way.
    /// </summary>
    private static void SplitDense(SourceWriter w, ConvolutionStep s, VectorWidth v, int perChunk, int parts)
    {
        int partVectors = ParallelSplit.FilterPartSize / v.Lanes;
        int subVectors = Math.Min(partVectors, Math.Min(8, v.AccumulatorBudget));
        w.Line($"const int Parts = {I(parts)}; // the range: parts of {I(ParallelSplit.FilterPartSize)} filters");
        w.Line($"const int PartFilters = {I(ParallelSplit.FilterPartSize)};");
        w.Line("global::System.Diagnostics.Debug.Assert(0 <= rowStart && rowStart <= rowEnd && rowEnd <= Parts);");
        w.Line("ref float input = ref source;");
        w.Line("ref float output = ref destination;");
        w.Open("if (rowStart == 0 && rowEnd == Parts)");
        ConvolutionBlock(w, s, v, 1, perChunk, edge: null);
        w.Line("return;");
        w.Close();
        w.Open($"for (int f0 = rowStart * PartFilters; f0 < rowEnd * PartFilters; f0 += {I(subVectors * v.Lanes)})");
        ConvolutionChunk(w, s, v, 1, subVectors, s.Filters);
        w.Close();
    }

    /// <summary>
    /// The body of a Dense layer's group kernel (<see cref="BatchedDense"/>): <paramref name="samples"/> rows of inputs in
    /// <c>groupInput</c>, as many rows of outputs in <c>groupOutput</c>. A Dense layer reads pixel <c>p</c>'s inputs at
    /// <c>p · Channels</c> and writes its outputs at <c>p · Filters</c>, which is exactly where a group keeps sample
    /// <c>p</c>'s row, so each tile of samples is the usual chunk over that many pixels: the same sums, in the same order.
    /// </summary>
    internal static void DenseGroup(SourceWriter w, ConvolutionStep s, VectorWidth v, int samples, int tile, int vectors)
    {
        var body = new SourceWriter();
        Constants(body, ("InRow", s.InRow), ("Channels", s.Channels), ("Filters", s.Filters), ("RowStride", s.RowStride),
            ("KernelH", s.KernelH), ("KernelW", s.KernelW), ("StrideW", s.StrideW), ("DilationH", s.DilationH), ("DilationW", s.DilationW));
        body.Line($"ref float kernel = ref {At("weights", I(s.KernelOffset))};");
        body.Line($"ref float bias = ref {At("weights", I(s.BiasOffset))};");
        body.Open($"for (int first = 0; first < {I(samples)}; first += {I(tile)})");
        body.Line($"ref float input = ref {At("groupInput", "first * Channels")};");
        body.Line($"ref float output = ref {At("groupOutput", "first * Filters")};");
        body.Open($"for (int f0 = 0; f0 < Filters; f0 += {I(vectors * v.Lanes)})");
        ConvolutionChunk(body, s, v, tile, vectors, s.Filters);
        body.Close();
        body.Close();
        WriteWithoutUnusedConstants(w, body.ToString());
    }

    /// <summary>
    /// Output pixels per register block: as many as the accumulator budget allows, unless that leaves a remainder block
    /// too small to keep the FMA pipes busy (fewer than 12 independent accumulators) on a sizeable share of the row; then
    /// the largest smaller block that divides the row evenly (an 8-pixel row runs as 4 + 4, not 6 + 2).
    /// </summary>
    private static int PixelsPerBlock(int outW, int vectors, int budget)
    {
        int pixels = Math.Max(1, Math.Min(outW, budget / vectors));
        int remainder = outW % pixels;
        if (remainder == 0 || remainder * vectors >= 12 || remainder * 10 < outW) return pixels;
        for (int candidate = pixels - 1; candidate * vectors >= 12; candidate--)
        {
            if (outW % candidate == 0) return candidate;
        }
        return pixels;
    }

    /// <summary>
    /// Where the weights of the chunk of <paramref name="chunkFilters"/> filters starting at filter <c>f0</c> begin (see
    /// <see cref="ConvolutionStep.FilterBlock"/>); when the blocks are the chunks, at <c>f0 · KH·KW·C</c>.
    /// </summary>
    private static string WeightBlockStart(ConvolutionStep s, int chunkFilters)
    {
        long rows = (long)s.KernelH * s.KernelW * s.Channels;
        if (s.FilterBlock == 0) return "f0";
        if (s.FilterBlock == chunkFilters) return $"f0 * {I(rows)}";
        return $"f0 / {s.FilterBlock} * {I(rows * s.FilterBlock)} + f0 % {s.FilterBlock}";
    }

    /// <summary>
    /// The step as <paramref name="v"/>'s kernel reads it. A step with <see cref="ConvolutionStep.BlocksPerChunk"/> keeps
    /// each of that width's filter chunks in a block of its own (the constructor packs by the running width), so a chunk
    /// streams its weights in order: one whole cache line per input channel and tap. Blocks of the widest chunk (64
    /// filters) made the 16-register kernel's 16-filter chunk read every fourth line of its block: MobileNet96's last
    /// two 1×1 convolutions on Zen 3 (AVX2) 99.4 / 97.4 → 93.8 / 94.6 µs, the pass 372 → 364 µs.
    /// </summary>
    internal static ConvolutionStep ForWidth(ConvolutionStep s, VectorWidth v)
        => s.BlocksPerChunk ? s with { FilterBlock = ChunkVectors(s, v) * v.Lanes } : s;

    /// <summary>Bytes of packed kernel above which a convolution loops over filter chunks outermost (half of a 1 MB L2).</summary>
    private const long ChunkOutermostKernelBytes = 512 * 1024;

    /// <summary>
    /// Whether the convolution walks its filters one chunk at a time over every pixel (the kernel is larger than L2).
    /// Such a kernel streams all of its weights once per call, whatever its row range: a parallel split gives it one
    /// chunk of rows per thread (<see cref="ParallelSplit"/>).
    /// </summary>
    internal static bool ChunksOutermost(ConvolutionStep s, VectorWidth v)
        => s.Filters / (VectorsPerChunk(s, v) * v.Lanes) >= 2
            && 4L * s.KernelH * s.KernelW * s.Channels * s.PaddedFilters > ChunkOutermostKernelBytes;

    /// <summary>
    /// With 16 vector registers (AVX2) a block of 4 filter vectors × 2 pixels loads 4 weight vectors for every 8 FMAs:
    /// the weights come from L2 at its full bandwidth and the FMA pipes wait (74% of peak on a 1×1 convolution with 128
    /// KB of weights). 2 vectors × 6 pixels (12 accumulators, 2 weight registers, 1 broadcast: 15 of 16) loads 2 per 12
    /// (MobileNet96's last 1×1 convolution on Zen 3: 123 → 101 µs, 91% of peak).
    /// </summary>
    private const int NarrowTileVectors = 2;

    private const int NarrowTileAccumulators = 12;

    /// <summary>Whether a multi-pixel convolution uses the 16-register tile: rows wide enough to fill its 6 pixels.</summary>
    private static bool NarrowTile(ConvolutionStep s, VectorWidth v)
        => v.Registers == 16 && s.OutW >= NarrowTileAccumulators / NarrowTileVectors && s.Filters > v.Lanes;

    /// <summary>Accumulators a register block of the convolution may use.</summary>
    private static int TileBudget(ConvolutionStep s, VectorWidth v) => NarrowTile(s, v) ? NarrowTileAccumulators : v.AccumulatorBudget;

    /// <summary>Accumulator vectors of filters the register block would take, before fitting weight blocks.</summary>
    private static int ChunkVectors(ConvolutionStep s, VectorWidth v)
    {
        int vectors = (s.Filters + v.Lanes - 1) / v.Lanes;
        // A single output position (Dense): no pixels to share the weight loads, so use the accumulators on more
        // filters at once (independent FMA chains, and one contiguous stream through the weight rows).
        return s.OutH * s.OutW == 1 ? Math.Min(vectors, Math.Min(16, v.AccumulatorBudget))
            : Math.Min(vectors, NarrowTile(s, v) ? NarrowTileVectors : 4);
    }

    /// <summary>Accumulator vectors of filters per chunk (per output pixel).</summary>
    private static int VectorsPerChunk(ConvolutionStep s, VectorWidth v)
    {
        int perChunk = ChunkVectors(s, v);
        if (s.FilterBlock == 0) return perChunk;
        // A chunk never straddles two weight blocks: the largest count of vectors that divides a block.
        int blockVectors = s.FilterBlock / v.Lanes;
        while (blockVectors % perChunk != 0) perChunk--;
        return perChunk;
    }

    /// <summary>Every output row in blocks of <paramref name="pixels"/> (and one remainder block); <paramref name="block"/> writes a block's body.</summary>
    private static void ConvolutionRows(SourceWriter w, ConvolutionStep s, VectorWidth v, int pixels, Action<int, EdgeBlock?> block)
    {
        w.Line(RowRangeAssert);
        w.Open("for (int oy = rowStart; oy < rowEnd; oy++)");
        if (s.Border is null) w.Line($"ref float sourceRow = ref {At("source", "oy * StrideH * InRow * Channels")};");
        w.Line(s.PoolRows is null
            ? $"ref float destinationRow = ref {At("destination", OutputPixel(s, "oy", "0", "Filters"))};"
            : $"ref float pooled = ref {At("destination", "oy * Filters")}; // this row's results");
        if (s.Border is { } border)
        {
            BorderedRow(w, s, border, pixels, block);
        }
        else
        {
            w.Line("int ox = 0;");
            PixelBlocks(w, 0, s.OutW, "OutW", pixels, () => BlockPointers(w, s), p => block(p, null));
        }
        w.Close();
    }

    /// <summary>
    /// Blocks of <paramref name="pixels"/> from <c>ox</c> (<paramref name="start"/>) up to <paramref name="end"/>, then one
    /// remainder block; <paramref name="pointers"/> sets each block's <c>input</c> and <c>output</c>.
    /// </summary>
    private static void PixelBlocks(SourceWriter w, int start, int end, string endName, int pixels, Action pointers, Action<int> block)
    {
        if (end - start >= pixels)
        {
            w.Open($"for (; ox <= {endName} - {pixels}; ox += {pixels})");
            pointers();
            block(pixels);
            w.Close();
        }
        if ((end - start) % pixels > 0)
        {
            w.Open("");
            pointers();
            block((end - start) % pixels);
            w.Close();
        }
    }

    private static void BlockPointers(SourceWriter w, ConvolutionStep s)
    {
        w.Line($"ref float input = ref {At("sourceRow", "ox * StrideW * Channels")};");
        OutputPointer(w, s, "ox");
    }

    /// <summary>Where a block starting at column <paramref name="ox"/> stores its outputs (a row-pooling step keeps them in registers).</summary>
    private static void OutputPointer(SourceWriter w, ConvolutionStep s, string ox)
    {
        if (s.PoolRows is null) w.Line($"ref float output = ref {At("destinationRow", $"{ox} * Filters")};");
    }

    /// <summary>
    /// A row of a convolution that reads its input in place (<see cref="InputBorder"/>). The blocks at either end whose
    /// windows cross the input's left or right edge are written out at fixed columns, each pixel reading zero outside the
    /// input; the blocks between read it unchecked. Each block's input reference is its first column (which, for an
    /// interior block, is inside the input), so no reference ever points outside the caller's buffer.
    /// </summary>
    private static void BorderedRow(SourceWriter w, ConvolutionStep s, InputBorder border, int pixels, Action<int, EdgeBlock?> block)
    {
        int span = (s.KernelW - 1) * s.DilationW + 1; // merged taps: DilationW is 1 or KernelW is 1
        int firstInside = (border.Left + s.StrideW - 1) / s.StrideW;
        int lastStart = border.SourceW - span + border.Left;
        int endInside = lastStart < 0 ? 0 : Math.Min(s.OutW, lastStart / s.StrideW + 1);
        int leadEnd = firstInside == 0 ? 0 : Math.Min(s.OutW, (firstInside + pixels - 1) / pixels * pixels);
        int trailStart = endInside >= s.OutW ? s.OutW : Math.Max(leadEnd, s.OutW - (s.OutW - endInside + pixels - 1) / pixels * pixels);
        if (trailStart < leadEnd || endInside <= firstInside) (leadEnd, trailStart) = (s.OutW, s.OutW); // every block crosses an edge

        void EdgeBlocks(int from, int to)
        {
            for (int ox = from; ox < to; ox += pixels)
            {
                int count = Math.Min(pixels, to - ox);
                var runs = new (int Start, int End)[count];
                for (int p = 0; p < count; p++)
                {
                    int column = (ox + p) * s.StrideW - border.Left; // the first input column of the pixel's window
                    runs[p] = (Math.Max(0, -column * s.Channels), Math.Min(s.KernelW * s.Channels, (border.SourceW - column) * s.Channels));
                }
                w.Open("");
                w.Line("ref float input = ref source; // the pixels index from column 0");
                OutputPointer(w, s, I(ox));
                block(count, new EdgeBlock(ox, runs));
                w.Close();
            }
        }

        EdgeBlocks(0, leadEnd);
        if (trailStart > leadEnd)
        {
            w.Line($"int ox = {I(leadEnd)};");
            PixelBlocks(w, leadEnd, trailStart, I(trailStart), pixels, () =>
            {
                w.Line($"ref float input = ref {At("source", "(ox * StrideW - Left) * Channels")};");
                OutputPointer(w, s, "ox");
            }, p => block(p, null));
        }
        EdgeBlocks(trailStart, s.OutW);
    }

    /// <summary>
    /// The type of a convolution's channel and filter indices. Native int on 16-register widths, so that every broadcast
    /// address is [x + 4·c + constant] and every bias load and store [output + 4·f0 + constant]: with an int index the
    /// JIT widens each pixel's int offset again (lea + movsxd per broadcast), 35 instructions per 12 FMAs on a 6-pixel
    /// AVX2 tile, more than a 6-wide core issues in the 6 cycles the FMAs take. MobileNet96 on Zen 3: the channel index
    /// took its 1×1 convolutions 101 / 99 / 102 → 95–99 / 96–97 / 99 µs (the pass 396 → 380 µs), the filter index its
    /// stem 42.1 → 41.3 µs (the pass 374 → 371 µs, alternating with ONNX Runtime). The 512-bit kernels keep int until
    /// re-measured on an AVX-512 machine (their FMAs are twice as wide, so the same count of integer ops costs less).
    /// </summary>
    private static string IndexType(VectorWidth v) => v.Registers == 16 ? "nint" : "int";

    /// <summary><paramref name="pixels"/> consecutive output pixels, all output channels, in chunks of up to <paramref name="perChunk"/> vectors.</summary>
    private static void ConvolutionBlock(SourceWriter w, ConvolutionStep s, VectorWidth v, int pixels, int perChunk, EdgeBlock? edge)
    {
        int chunkFloats = perChunk * v.Lanes;
        int fullChunks = s.Filters / chunkFloats;
        int tailFilters = s.Filters - fullChunks * chunkFloats;
        if (fullChunks == 1)
        {
            w.Open("");
            w.Line("const int f0 = 0;");
            ConvolutionChunk(w, s, v, pixels, perChunk, s.Filters, edge: edge);
            w.Close();
        }
        else if (fullChunks > 1)
        {
            w.Open($"for ({IndexType(v)} f0 = 0; f0 < {fullChunks * chunkFloats}; f0 += {chunkFloats})");
            ConvolutionChunk(w, s, v, pixels, perChunk, s.Filters, edge: edge);
            w.Close();
        }
        if (tailFilters > 0)
        {
            w.Open("");
            w.Line($"const int f0 = {fullChunks * chunkFloats};");
            ConvolutionChunk(w, s, v, pixels, (tailFilters + v.Lanes - 1) / v.Lanes, fullChunks * chunkFloats + tailFilters, tailStart: fullChunks * chunkFloats, edge: edge);
            w.Close();
        }
    }

    /// <summary>The accumulate-and-store of one chunk. Vectors past <paramref name="filtersEnd"/> only exist in the tail chunk.</summary>
    /// <remarks>
    /// With <paramref name="fromZero"/> the accumulators start at zero instead of the bias (Winograd products). With an
    /// in-place border (<see cref="ConvolutionStep.Border"/>) kernel rows above or below the input are skipped, and in an
    /// <paramref name="edge"/> block each pixel reads zero outside its run of inputs: the same sums as over a padded copy.
    /// </remarks>
    internal static void ConvolutionChunk(SourceWriter w, ConvolutionStep s, VectorWidth v, int pixels, int vectors, int filtersEnd, int tailStart = -1,
        bool fromZero = false, EdgeBlock? edge = null)
    {
        if (!fromZero)
        {
            for (int j = 0; j < vectors; j++)
            {
                w.Line($"var b{j} = {Load(v, "bias", $"f0 + {j * v.Lanes}")};");
            }
        }
        for (int p = 0; p < pixels; p++)
        {
            for (int j = 0; j < vectors; j++) w.Line(fromZero ? $"var a{p}_{j} = {v.Type}.Zero;" : $"var a{p}_{j} = b{j};");
        }
        w.Open("for (int ky = 0; ky < KernelH; ky++)");
        // Without horizontal dilation a kernel row's taps read one contiguous run of KernelW·Channels inputs, matching
        // consecutive kernel rows: one loop instead of two (the same order of additions), which matters when Channels
        // is small (an RGB input has 3 channels per tap).
        bool merged = s.DilationW == 1 || s.KernelW == 1;
        if (!merged) w.Open("for (int kx = 0; kx < KernelW; kx++)");
        string tap = merged ? "ky * KernelW" : "ky * KernelW + kx";
        if (s.Border is { } border)
        {
            if (!merged) throw new InvalidOperationException("An in-place border needs a kernel row's taps in one run.");
            w.Line("int iy = oy * StrideH - Top + ky * DilationH;");
            bool rowsOutside = border.Top > 0 || (s.OutH - 1) * s.StrideH - border.Top + (s.KernelH - 1) * s.DilationH >= border.SourceH;
            if (rowsOutside) w.Line("if ((uint)iy >= SourceH) continue; // zero padding above or below the input");
            w.Line($"ref float x = ref {At("input", "iy * InRow * Channels")};");
        }
        else
        {
            w.Line($"ref float x = ref {At("input", merged ? "ky * DilationH * InRow * Channels" : "(ky * DilationH * InRow + kx * DilationW) * Channels")};");
        }
        w.Line($"ref float k = ref {At("kernel", $"{WeightBlockStart(s, vectors * v.Lanes)} + ({tap}) * Channels * RowStride")};");
        string index = IndexType(v);
        w.Open(merged ? $"for ({index} c = 0; c < KernelW * Channels; c++)" : $"for ({index} c = 0; c < Channels; c++)");
        for (int j = 0; j < vectors; j++) w.Line($"var w{j} = {Load(v, "k", I(j * v.Lanes))};");
        for (int p = 0; p < pixels; p++)
        {
            w.Line($"var x{p} = {v.Static}.Create({BroadcastInput(s, p, edge)});");
            for (int j = 0; j < vectors; j++) w.Line($"a{p}_{j} = {Simd}.Fma(x{p}, w{j}, a{p}_{j});");
        }
        w.Line($"k = ref {At("k", "RowStride")};");
        w.Close();
        if (!merged) w.Close();
        w.Close();
        if (s.PoolRows is { } pooling)
        {
            // Reduce the block's pixels, in order, into the row's results.
            for (int j = 0; j < vectors; j++)
            {
                w.Line($"var r{j} = {Load(v, "pooled", $"f0 + {j * v.Lanes}")};");
                for (int p = 0; p < pixels; p++)
                {
                    w.Line(PoolInto(v, pooling.Max, $"r{j}", Activate($"a{p}_{j}", s.Activation)));
                }
                w.Line(Store(v, $"r{j}", "pooled", $"f0 + {j * v.Lanes}"));
            }
            return;
        }
        for (int p = 0; p < pixels; p++)
        {
            for (int j = 0; j < vectors; j++)
            {
                string value = Activate($"a{p}_{j}", s.Activation);
                string offset = $"{p} * Filters + f0 + {j * v.Lanes}";
                int start = (tailStart < 0 ? 0 : tailStart) + j * v.Lanes;
                int count = tailStart < 0 ? v.Lanes : Math.Min(v.Lanes, filtersEnd - start);
                if (count == v.Lanes)
                {
                    w.Line(Store(v, value, "output", offset));
                }
                else if (count <= 8)
                {
                    // A short channel tail (a 1-filter Sobel, 3 or 4 filters): lane extracts, no trip through memory.
                    w.Line($"var t{p}_{j} = {value};");
                    for (int k = 0; k < count; k++) w.Line($"{At("output", $"{offset} + {k}")} = {v.Static}.GetElement(t{p}_{j}, {k});");
                }
                else
                {
                    w.Line($"{Simd}.StorePartial({value}, ref {At("output", offset)}, {count});");
                }
            }
        }
    }

    /// <summary>The input value pixel <paramref name="p"/> of a block multiplies at tap <c>c</c>: zero outside its run in an edge block.</summary>
    private static string BroadcastInput(ConvolutionStep s, int p, EdgeBlock? edge)
    {
        if (edge is null) return At("x", $"{p} * StrideW * Channels + c");
        var (start, end) = edge.Runs[p];
        if (start >= end) return "0f";
        string value = At("x", $"{I((long)((edge.Column + p) * s.StrideW - s.Border!.Left) * s.Channels)} + c");
        int taps = s.KernelW * s.Channels;
        string? inside = (start > 0, end < taps) switch
        {
            (false, false) => null,
            (true, false) => $"c >= {I(start)}",
            (false, true) => $"c < {I(end)}",
            _ => $"(uint)(c - {I(start)}) < {I(end - start)}",
        };
        return inside is null ? value : $"{inside} ? {value} : 0f";
    }

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

    private static void WindowCopy(SourceWriter w, WindowCopyStep s)
    {
        if (s.Multiplier > 1)
        {
            RepeatChannels(w, s);
            return;
        }
        // The columns that have a source are known now: each row is zeros, one contiguous copy, zeros.
        int first = Math.Max(0, s.Left), end = Math.Min(s.OutW, s.Left + s.SourceW);
        long total = (long)s.OutH * s.OutW * s.Channels;
        if (end <= first || s.Top >= s.OutH || s.Top + s.SourceH <= 0)
        {
            w.Line($"{Memory}.CreateSpan(ref destination, {I(total)}).Clear(); // the window misses the source entirely");
            return;
        }
        Constants(w, ("SourceH", s.SourceH), ("SourceW", s.SourceW), ("Channels", s.Channels), ("OutH", s.OutH), ("OutW", s.OutW),
            ("Top", s.Top), ("FirstColumn", first), ("CopiedColumns", end - first), ("SourceColumn", first - s.Left));
        w.Open("for (int oy = 0; oy < OutH; oy++)");
        w.Line("int iy = oy - Top;");
        w.Line($"var row = {Memory}.CreateSpan(ref {At("destination", "oy * OutW * Channels")}, OutW * Channels);");
        w.Open("if ((uint)iy >= SourceH)");
        w.Line("row.Clear();");
        w.Line("continue;");
        w.Close();
        if (first > 0) w.Line("row.Slice(0, FirstColumn * Channels).Clear();");
        w.Line($"{Memory}.CreateReadOnlySpan(ref {At("source", "(iy * SourceW + SourceColumn) * Channels")}, CopiedColumns * Channels)");
        w.Line("    .CopyTo(row.Slice(FirstColumn * Channels));");
        if (end < s.OutW) w.Line("row.Slice((FirstColumn + CopiedColumns) * Channels).Clear();");
        w.Close();
    }

    /// <summary>Depthwise multipliers: each output pixel repeats every input channel <c>Multiplier</c> times (zeros outside the source).</summary>
    private static void RepeatChannels(SourceWriter w, WindowCopyStep s)
    {
        Constants(w, ("SourceH", s.SourceH), ("SourceW", s.SourceW), ("Channels", s.Channels), ("OutH", s.OutH), ("OutW", s.OutW),
            ("Top", s.Top), ("Left", s.Left), ("Multiplier", s.Multiplier), ("OutChannels", s.Channels * s.Multiplier));
        w.Open("for (int oy = 0; oy < OutH; oy++)");
        w.Line("int iy = oy - Top;");
        w.Open("for (int ox = 0; ox < OutW; ox++)");
        w.Line("int ix = ox - Left;");
        w.Line($"var output = {Memory}.CreateSpan(ref {At("destination", "(oy * OutW + ox) * OutChannels")}, OutChannels);");
        w.Open("if ((uint)iy >= SourceH || (uint)ix >= SourceW)");
        w.Line("output.Clear();");
        w.Line("continue;");
        w.Close();
        int outChannels = s.Channels * s.Multiplier;
        if (s.Channels >= 4 && outChannels % 4 == 0 && outChannels <= 4 * MaxRepeatVectors)
        {
            // Each group of 4 outputs is a shuffle of 4 neighbouring inputs (known now), not a Fill call per channel.
            w.Line($"ref float input = ref {At("source", "(iy * SourceW + ix) * Channels")};");
            w.Line($"ref float outputStart = ref {Memory}.GetReference(output);");
            for (int k = 0; k < outChannels / 4; k++)
            {
                int first = 4 * k / s.Multiplier, from = Math.Min(first, s.Channels - 4); // stays inside the pixel
                string lanes = string.Join(", ", Enumerable.Range(0, 4).Select(lane => I((4 * k + lane) / s.Multiplier - from)));
                w.Line($"{V128}.StoreUnsafe({V128}.Shuffle({V128}.LoadUnsafe(ref input, {I(from)}), {V128}.Create({lanes})), ref outputStart, {I(4 * k)});");
            }
        }
        else
        {
            w.Line($"var input = {Memory}.CreateReadOnlySpan(ref {At("source", "(iy * SourceW + ix) * Channels")}, Channels);");
            w.Open("for (int c = 0; c < Channels; c++)");
            w.Line("output.Slice(c * Multiplier, Multiplier).Fill(input[c]);");
            w.Close();
        }
        w.Close();
        w.Close();
    }

    /// <summary>Output vectors per pixel up to which a channel repeat is written out as shuffles (beyond: a loop).</summary>
    private const int MaxRepeatVectors = 64;

    private const string V128 = "global::System.Runtime.Intrinsics.Vector128";

    private static void Pool(SourceWriter w, PoolStep s, VectorWidth v)
    {
        Constants(w, ("InH", s.InH), ("InW", s.InW), ("Channels", s.Channels), ("OutH", s.OutH), ("OutW", s.OutW),
            ("PoolH", s.PoolH), ("PoolW", s.PoolW), ("StrideH", s.StrideH), ("StrideW", s.StrideW), ("PadTop", s.PadTop),
            ("PadLeft", s.PadLeft), ("VectorEnd", s.Channels / v.Lanes * v.Lanes));
        string start = s.Max ? $"{v.Static}.Create(float.NegativeInfinity)" : $"{v.Type}.Zero";
        w.Line(RowRangeAssert);
        w.Open("for (int oy = rowStart; oy < rowEnd; oy++)");
        w.Line("int y0 = oy * StrideH - PadTop;");
        w.Line("int yStart = global::System.Math.Max(0, y0), yEnd = global::System.Math.Min(InH, y0 + PoolH);");
        w.Open("for (int ox = 0; ox < OutW; ox++)");
        w.Line("int x0 = ox * StrideW - PadLeft;");
        w.Line("int xStart = global::System.Math.Max(0, x0), xEnd = global::System.Math.Min(InW, x0 + PoolW);");
        if (!s.Max) w.Line("float scale = 1f / ((yEnd - yStart) * (xEnd - xStart)); // padded cells do not count");
        w.Line($"ref float output = ref {At("destination", OutputPixel(s, "oy", "ox", "Channels"))};");
        w.Open($"for (int c = 0; c < VectorEnd; c += {v.Lanes})");
        w.Line($"var result = {start};");
        w.Open("for (int y = yStart; y < yEnd; y++)");
        w.Open("for (int x = xStart; x < xEnd; x++)");
        string value = Load(v, "source", "(y * InW + x) * Channels + c");
        w.Line(s.Max ? $"result = {v.Static}.Max(result, {value});" : $"result += {value};");
        w.Close();
        w.Close();
        w.Line(Store(v, s.Max ? "result" : "result * scale", "output", "c"));
        w.Close();
        if (s.Channels % v.Lanes != 0)
        {
            w.Open("for (int c = VectorEnd; c < Channels; c++)");
            w.Line($"float result = {(s.Max ? "float.NegativeInfinity" : "0f")};");
            w.Open("for (int y = yStart; y < yEnd; y++)");
            w.Open("for (int x = xStart; x < xEnd; x++)");
            string scalar = At("source", "(y * InW + x) * Channels + c");
            w.Line(s.Max ? $"result = global::System.MathF.Max(result, {scalar});" : $"result += {scalar};");
            w.Close();
            w.Close();
            w.Line($"{At("output", "c")} = {(s.Max ? "result" : "result * scale")};");
            w.Close();
        }
        w.Close();
        w.Close();
    }

    /// <summary>
    /// Vectors of channels summed (or maxed) side by side over the pixels. One accumulator alone waits on the add
    /// latency every pixel; eight independent ones keep both FP add pipes busy. Each channel is still reduced over the
    /// pixels in order, so the results are the same as one vector at a time.
    /// </summary>
    private const int GlobalPoolVectorsInFlight = 8;

    private static void GlobalPool(SourceWriter w, GlobalPoolStep s, VectorWidth v)
    {
        int vectors = s.Channels / v.Lanes;
        int group = Math.Min(GlobalPoolVectorsInFlight, vectors);
        int groupedEnd = group == 0 ? 0 : vectors / group * group * v.Lanes;
        Constants(w, ("Pixels", s.Pixels), ("Channels", s.Channels), ("GroupedEnd", groupedEnd), ("VectorEnd", vectors * v.Lanes),
            ("Divisor", s.Divisor));
        if (group > 0)
        {
            w.Open($"for (int c = 0; c < GroupedEnd; c += {group * v.Lanes})");
            GlobalPoolVectors(w, s, v, group);
            w.Close();
        }
        if (group > 0 && vectors % group is var rest and > 0)
        {
            w.Open("");
            w.Line("const int c = GroupedEnd;");
            GlobalPoolVectors(w, s, v, rest);
            w.Close();
        }
        if (s.Channels % v.Lanes != 0)
        {
            w.Open("for (int c = VectorEnd; c < Channels; c++)");
            w.Line($"float result = {(s.Max ? "float.NegativeInfinity" : "0f")};");
            w.Open("for (int p = 0; p < Pixels; p++)");
            string scalar = At("source", "p * Channels + c");
            w.Line(s.Max ? $"result = global::System.MathF.Max(result, {scalar});" : $"result += {scalar};");
            w.Close();
            w.Line($"{At("destination", "c")} = {(s.Max ? "result" : "result * (1f / Divisor)")};");
            w.Close();
        }
    }

    /// <summary>
    /// One step of a global pooling's vector reduction: the same operation whether the pooling reads a stored image or
    /// a convolution reduces its rows (<see cref="ConvolutionStep.PoolRows"/>).
    /// </summary>
    private static string PoolInto(VectorWidth v, bool max, string accumulator, string value)
        => max ? $"{accumulator} = {v.Static}.Max({accumulator}, {value});" : $"{accumulator} += {value};";

    /// <summary>Reduces <paramref name="count"/> vectors of channels from <c>c</c> on over every pixel.</summary>
    private static void GlobalPoolVectors(SourceWriter w, GlobalPoolStep s, VectorWidth v, int count)
    {
        string start = s.Max ? $"{v.Static}.Create(float.NegativeInfinity)" : $"{v.Type}.Zero";
        for (int i = 0; i < count; i++) w.Line($"var result{i} = {start};");
        w.Open("for (int p = 0; p < Pixels; p++)");
        w.Line("int pixel = p * Channels + c;");
        for (int i = 0; i < count; i++)
        {
            w.Line(PoolInto(v, s.Max, $"result{i}", Load(v, "source", $"pixel + {i * v.Lanes}")));
        }
        w.Close();
        for (int i = 0; i < count; i++)
            w.Line(Store(v, s.Max ? $"result{i}" : $"result{i} * (1f / Divisor)", "destination", $"c + {i * v.Lanes}"));
    }

    private static void UpSample(SourceWriter w, UpSampleStep s)
    {
        Constants(w, ("InH", s.InH), ("InW", s.InW), ("Channels", s.Channels), ("FactorH", s.FactorH), ("FactorW", s.FactorW),
            ("OutW", s.InW * s.FactorW));
        w.Open("for (int oy = 0; oy < InH * FactorH; oy++)");
        w.Open("for (int ox = 0; ox < OutW; ox++)");
        w.Line($"{Memory}.CreateReadOnlySpan(ref {At("source", "((oy / FactorH) * InW + ox / FactorW) * Channels")}, Channels)");
        w.Line($"    .CopyTo({Memory}.CreateSpan(ref {At("destination", "(oy * OutW + ox) * Channels")}, Channels));");
        w.Close();
        w.Close();
    }

    private static void ScaleShift(SourceWriter w, ScaleShiftStep s, VectorWidth v)
    {
        Constants(w, ("Pixels", s.Pixels), ("Channels", s.Channels), ("VectorEnd", s.Channels / v.Lanes * v.Lanes));
        w.Line($"ref float scale = ref {At("weights", I(s.Offset))};");
        w.Line($"ref float shift = ref {At("weights", I(s.Offset + s.PaddedChannels))};");
        w.Open("for (int p = 0; p < Pixels; p++)");
        w.Line($"ref float input = ref {At("source", "p * Channels")};");
        w.Line($"ref float output = ref {At("destination", "p * Channels")};");
        w.Open($"for (int c = 0; c < VectorEnd; c += {v.Lanes})");
        w.Line(Store(v, Activate($"{Simd}.Fma({Load(v, "input", "c")}, {Load(v, "scale", "c")}, {Load(v, "shift", "c")})", s.Activation), "output", "c"));
        w.Close();
        if (s.Channels % v.Lanes != 0)
        {
            w.Open("for (int c = VectorEnd; c < Channels; c++)");
            w.Line($"{At("output", "c")} = {ActivateScalar($"global::System.MathF.FusedMultiplyAdd({At("input", "c")}, {At("scale", "c")}, {At("shift", "c")})", s.Activation)};");
            w.Close();
        }
        w.Close();
    }

    private static void TransposeScatter(SourceWriter w, TransposeScatterStep s, VectorWidth v)
    {
        Constants(w, ("InH", s.InH), ("InW", s.InW), ("Channels", s.Channels), ("FullW", s.FullW), ("PaddedFilters", s.PaddedFilters),
            ("KernelH", s.KernelH), ("KernelW", s.KernelW), ("StrideH", s.StrideH), ("StrideW", s.StrideW));
        w.Line($"ref float kernel = ref {At("weights", I(s.KernelOffset))};");
        w.Line($"{Memory}.CreateSpan(ref destination, {I((long)s.FullH * s.FullW * s.PaddedFilters)}).Clear();");
        int vectors = s.PaddedFilters / v.Lanes;
        int perChunk = Math.Min(vectors, 8);
        while (vectors % perChunk != 0) perChunk--; // chunks must tile PaddedFilters exactly
        w.Open("for (int iy = 0; iy < InH; iy++)");
        w.Open("for (int ix = 0; ix < InW; ix++)");
        w.Line($"ref float x = ref {At("source", "(iy * InW + ix) * Channels")};");
        w.Open("for (int ky = 0; ky < KernelH; ky++)");
        w.Open("for (int kx = 0; kx < KernelW; kx++)");
        w.Line($"ref float output = ref {At("destination", "((iy * StrideH + ky) * FullW + ix * StrideW + kx) * PaddedFilters")};");
        w.Line($"ref float taps = ref {At("kernel", "(ky * KernelW + kx) * Channels * PaddedFilters")};");
        w.Open($"for (int f0 = 0; f0 < PaddedFilters; f0 += {perChunk * v.Lanes})");
        for (int j = 0; j < perChunk; j++) w.Line($"var a{j} = {Load(v, "output", $"f0 + {j * v.Lanes}")};");
        w.Line($"ref float k = ref {At("taps", "f0")};");
        w.Open("for (int c = 0; c < Channels; c++)");
        w.Line($"var xc = {v.Static}.Create({At("x", "c")});");
        for (int j = 0; j < perChunk; j++) w.Line($"a{j} = {Simd}.Fma(xc, {Load(v, "k", I(j * v.Lanes))}, a{j});");
        w.Line($"k = ref {At("k", "PaddedFilters")};");
        w.Close();
        for (int j = 0; j < perChunk; j++) w.Line(Store(v, $"a{j}", "output", $"f0 + {j * v.Lanes}"));
        w.Close();
        w.Close();
        w.Close();
        w.Close();
        w.Close();
    }

    private static void TransposeCrop(SourceWriter w, TransposeCropStep s, VectorWidth v)
    {
        Constants(w, ("FullW", s.FullW), ("PaddedFilters", s.PaddedFilters), ("OutH", s.OutH), ("OutW", s.OutW), ("Filters", s.Filters),
            ("Top", s.Top), ("Left", s.Left), ("VectorEnd", s.Filters / v.Lanes * v.Lanes));
        w.Line($"ref float bias = ref {At("weights", I(s.BiasOffset))};");
        w.Open("for (int oy = 0; oy < OutH; oy++)");
        w.Open("for (int ox = 0; ox < OutW; ox++)");
        w.Line($"ref float input = ref {At("source", "((oy + Top) * FullW + ox + Left) * PaddedFilters")};");
        w.Line($"ref float output = ref {At("destination", "(oy * OutW + ox) * Filters")};");
        w.Open($"for (int c = 0; c < VectorEnd; c += {v.Lanes})");
        w.Line(Store(v, Activate($"{Load(v, "input", "c")} + {Load(v, "bias", "c")}", s.Activation), "output", "c"));
        w.Close();
        if (s.Filters % v.Lanes != 0)
        {
            w.Open("for (int c = VectorEnd; c < Filters; c++)");
            w.Line($"{At("output", "c")} = {ActivateScalar($"{At("input", "c")} + {At("bias", "c")}", s.Activation)};");
            w.Close();
        }
        w.Close();
        w.Close();
    }

    private static void Add(SourceWriter w, AddStep s, VectorWidth v)
    {
        Constants(w, ("VectorEnd", s.Elements / v.Lanes * v.Lanes));
        if (s.Elements % v.Lanes != 0) Constants(w, ("Elements", s.Elements));
        int count = s.Sources.Length;
        // Keras adds the inputs in order: ((a + b) + c).
        string Sum(Func<int, string> term) => string.Join(" + ", Enumerable.Range(0, count).Select(term));
        w.Open($"for (int i = 0; i < VectorEnd; i += {v.Lanes})");
        w.Line(Store(v, Activate(Sum(k => Load(v, $"source{k}", "i")), s.Activation), "destination", "i"));
        w.Close();
        if (s.Elements % v.Lanes != 0)
        {
            w.Open("for (int i = VectorEnd; i < Elements; i++)");
            w.Line($"{At("destination", "i")} = {ActivateScalar(Sum(k => At($"source{k}", "i")), s.Activation)};");
            w.Close();
        }
    }

    private static void Concatenate(SourceWriter w, ConcatenateStep s)
    {
        var constants = new List<(string, long)> { ("Pixels", s.Pixels), ("OutChannels", s.Channels.Sum()) };
        for (int k = 0; k < s.Channels.Count; k++) constants.Add(($"Channels{k}", s.Channels[k]));
        Constants(w, constants.ToArray());
        w.Open("for (int p = 0; p < Pixels; p++)");
        w.Line($"ref float output = ref {At("destination", "p * OutChannels")};");
        int offset = 0;
        for (int k = 0; k < s.Channels.Count; k++)
        {
            w.Line($"{Memory}.CreateReadOnlySpan(ref {At($"source{k}", $"p * Channels{k}")}, Channels{k}).CopyTo({Memory}.CreateSpan(ref {At("output", I(offset))}, Channels{k}));");
            offset += s.Channels[k];
        }
        w.Close();
    }

    private static void ActivationPass(SourceWriter w, ActivationStep s)
    {
        w.Line(ActivationCall(s, "source", "destination") + ";");
    }

    /// <summary>The runtime call for an activation that no kernel fuses.</summary>
    public static string ActivationCall(ForwardStep s, string source, string destination)
    {
        if (s.Activation == ActivationKind.Softmax)
            return $"global::ShapeGen.Runtime.Activations.Softmax(ref {source}, ref {destination}, {I(s.OutputElements / s.LastAxis)}, {I(s.LastAxis)})";
        if (s.Activation is ActivationKind.Linear or ActivationKind.Relu or ActivationKind.Relu6 && s is not ActivationStep)
            throw new InvalidOperationException("Fused activations need no pass.");
        return $"global::ShapeGen.Runtime.Activations.Apply(global::ShapeGen.Activation.{s.Activation}, ref {source}, ref {destination}, {I(s.OutputElements)})";
    }
}

/// <summary>
/// A block of output pixels at a fixed column whose windows cross the left or right edge of an input read in place
/// (<see cref="InputBorder"/>): for each pixel, the run [Start, End) of a kernel row's <c>KernelW · Channels</c> taps that
/// lies inside the input.
/// </summary>
internal sealed record EdgeBlock(int Column, (int Start, int End)[] Runs);
