using System;

namespace ShapeGen.Generators.Generation.Forward;

/// <summary>Convolution and Dense kernels: register-blocked tiles of output pixels × filter vectors, input read in place with its zero padding.</summary>
internal static partial class KernelEmitter
{
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
}

/// <summary>
/// A block of output pixels at a fixed column whose windows cross the left or right edge of an input read in place
/// (<see cref="InputBorder"/>): for each pixel, the run [Start, End) of a kernel row's <c>KernelW · Channels</c> taps that
/// lies inside the input.
/// </summary>
internal sealed record EdgeBlock(int Column, (int Start, int End)[] Runs);
