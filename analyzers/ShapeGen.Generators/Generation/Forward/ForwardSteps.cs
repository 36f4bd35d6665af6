using ShapeGen.Generators.Engine;

namespace ShapeGen.Generators.Generation.Forward;

/// <summary>
/// The buffers steps read and write, by the name of the local that holds them in the generated Run method:
/// the caller's input and output, numbered workspace slots for layer outputs (reused once their last reader
/// has run), and two scratch buffers for a layer's internal steps.
/// </summary>
internal static class Buffers
{
    public const string Input = "input";
    public const string Output = "output";
    public const string Padded = "padded";
    public const string Staging = "staging";
    /// <summary>A Winograd convolution's transformed input tiles (<see cref="WinogradStep"/>).</summary>
    public const string WinogradInput = "winogradInput";
    /// <summary>A Winograd convolution's 16 matrix products, before the output transform.</summary>
    public const string WinogradProducts = "winogradProducts";

    /// <summary>Scratch a kernel reaches through the workspace itself; the step sequence never passes it.</summary>
    public static bool IsKernelScratch(string buffer) => buffer is WinogradInput or WinogradProducts;

    public static string Slot(int index) => "slot" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// One kernel call of the forward pass, with every size a constant. 1D layers and Dense are expressed as 2D with
/// height 1 (Dense is a 1×1 convolution over its positions), so a handful of kernels cover every layer.
/// </summary>
internal abstract record ForwardStep
{
    /// <summary>The Keras layer this step belongs to, for names and comments.</summary>
    public string LayerName { get; init; } = "";
    /// <summary>The buffers read, in order (merges read several).</summary>
    public string[] Sources { get; set; } = { Buffers.Input };
    public string Destination { get; set; } = Buffers.Output;
    /// <summary>Elements written to <see cref="Destination"/>.</summary>
    public long OutputElements { get; init; }
    /// <summary>Activation applied when the result is written; ReLU and ReLU6 fuse into the store, the rest run as a pass.</summary>
    public ActivationKind Activation { get; set; }
    /// <summary>Length of the last axis, for softmax.</summary>
    public int LastAxis { get; init; }
    public virtual bool CanFuseActivation => false;
    /// <summary>
    /// When set, the step writes its output inside a larger zero-bordered frame (the padding the next layer needs),
    /// so that layer reads it directly instead of copying it into a padded buffer first. Only steps that support it
    /// (<see cref="FrameableImage"/>) get one.
    /// </summary>
    public OutputFrame? Frame { get; init; }
    /// <summary>The image (height, width, channels) the step writes, for steps that can write it into a frame; else null.</summary>
    public virtual (int Height, int Width, int Channels)? FrameableImage => null;
}

/// <summary>A padded image of <c>Height × Width</c> pixels whose interior starts at (<c>Top</c>, <c>Left</c>); the rest is zeros.</summary>
internal sealed record OutputFrame(int Top, int Left, int Height, int Width);

/// <summary>
/// Valid convolution over an (already padded) input: Conv1D, Conv2D, Dense, pointwise. Kernel <c>[KH·KW·C][FPad]</c>, or,
/// when <see cref="FilterBlock"/> is set, <c>[FPad / FilterBlock][KH·KW·C][FilterBlock]</c> (each block of output
/// channels contiguous); then bias <c>[FPad]</c>.
/// </summary>
internal sealed record ConvolutionStep(
    int InRow, int Channels, int OutH, int OutW, int Filters, int PaddedFilters,
    int KernelH, int KernelW, int StrideH, int StrideW, int DilationH, int DilationW,
    long KernelOffset, long BiasOffset) : ForwardStep
{
    public override bool CanFuseActivation => true;
    public override (int Height, int Width, int Channels)? FrameableImage => PoolRows is null ? (OutH, OutW, Filters) : null;

    /// <summary>
    /// Set when the global pooling after this convolution is its only reader: instead of its image the step writes, per
    /// output row, the sum (or maximum) of that row's activated outputs, <c>[OutH][Filters]</c>, and the pooling step only
    /// reduces those rows. Each row is reduced in pixel order by whichever thread computes it, so the result does not
    /// depend on how rows are shared out.
    /// </summary>
    public RowPooling? PoolRows { get; init; }

    /// <summary>Output channels per contiguous weight block, or 0 when the kernel is one <c>[rows][FPad]</c> matrix.</summary>
    public int FilterBlock { get; init; }

    /// <summary>
    /// Set when the weights are stored in blocks of the running vector width's filter chunk rather than a fixed
    /// <see cref="FilterBlock"/> (which is then the widest width's chunk): see <see cref="KernelEmitter.ForWidth"/>.
    /// </summary>
    public bool BlocksPerChunk { get; init; }

    /// <summary>Floats between one kernel row (one input channel of one tap) and the next, inside a block.</summary>
    public int RowStride => FilterBlock > 0 ? FilterBlock : PaddedFilters;

    /// <summary>
    /// Set when the step reads an unpadded input in place (<see cref="InRow"/> is then its width): taps outside it are the
    /// zero padding. Null when the input is already padded (or needs none).
    /// </summary>
    public InputBorder? Border { get; init; }
}

/// <summary>
/// The zero border a convolution adds around its <c>SourceH × SourceW</c> input without copying it: output rows whose
/// window reaches above or below the input skip those kernel rows, and the blocks of output pixels at the left and right
/// ends of a row read zero for the columns outside it.
/// </summary>
internal sealed record InputBorder(int Top, int Left, int SourceH, int SourceW);

/// <summary>A global pooling folded into the convolution before it, one output row at a time (<see cref="ConvolutionStep.PoolRows"/>).</summary>
internal sealed record RowPooling(bool Max);

/// <summary>
/// A 3×3, stride-1 convolution over an (already padded) input by Winograd F(2×2, 3×3) (Lavin and Gray, 2015): each
/// 2×2 block of outputs (a tile) costs 16 multiply-adds per channel pair instead of 36. The input's 4×4 tiles are
/// transformed (<c>Bᵀ·d·B</c>, additions only) into <see cref="Buffers.WinogradInput"/>, multiplied by the transformed
/// kernel as 16 independent matrix products (<c>[tiles, Channels] × [Channels, Filters]</c>, the register-blocked
/// 1×1 convolution kernel) into <see cref="Buffers.WinogradProducts"/>, and transformed back (<c>Aᵀ·m·A</c>) with the
/// bias and activation. Kernel <c>[16][Channels][FPad]</c> (or blocks of <see cref="FilterBlock"/> filters per
/// position), then bias <c>[FPad]</c>. Its range counts rows of tiles, and it reads its input and scratch buffers
/// through the workspace (<see cref="SourceBuffer"/>): a split passes each thread only three references.
/// </summary>
internal sealed record WinogradStep(
    int InRow, int Channels, int OutH, int OutW, int Filters, int PaddedFilters, long KernelOffset, long BiasOffset) : ForwardStep
{
    /// <summary>Transformed tile positions (4×4).</summary>
    public const int Positions = 16;

    public override bool CanFuseActivation => true;
    public override (int Height, int Width, int Channels)? FrameableImage => (OutH, OutW, Filters);

    /// <summary>Rows of 2×2 tiles; an odd output height takes one more, whose bottom outputs are not stored.</summary>
    public int TileRows => (OutH + 1) / 2;
    /// <summary>Columns of 2×2 tiles; an odd output width takes one more, whose right outputs are not stored.</summary>
    public int TileColumns => (OutW + 1) / 2;
    public int Tiles => TileRows * TileColumns;

    /// <summary>
    /// Floats between one position's scratch matrix and the next, inside a band: the band's tiles plus one cache line,
    /// so the 16 positions of a tile, read or written together, fall in different cache sets (a power-of-two stride
    /// would put them all in one set of the 12-way L1, and alias every store with the loads 4 KB apart).
    /// </summary>
    public const int PlanePadding = 16;

    /// <summary>
    /// Scratch floats one row of tiles needs at most (its share of a band's 16 planes, with their padding): the
    /// transformed input tiles, and the products.
    /// </summary>
    public long InputRowFloats => Positions * ((long)TileColumns * Channels + PlanePadding);

    /// <inheritdoc cref="InputRowFloats"/>
    public long ProductsRowFloats => Positions * ((long)TileColumns * Filters + PlanePadding);

    /// <summary>
    /// Where each row of tiles keeps its scratch: row <c>r</c>'s band starts at <c>r · spacing</c>, the spacing being the
    /// shared scratch buffer divided by the rows. Every Winograd layer thus spreads its rows over the whole buffer, and
    /// a thread that takes the same share of rows in every layer (see the WorkSplitter) writes the same part of it each
    /// time, in its own cache, instead of cache lines the other core wrote in the layer before. Set once every layer's
    /// need is known (<see cref="WinogradPlanner.Finish"/>).
    /// </summary>
    public long InputRowSpacing { get; init; }

    /// <inheritdoc cref="InputRowSpacing"/>
    public long ProductsRowSpacing { get; init; }

    /// <summary>
    /// Output channels per contiguous weight block of each position's matrix for the widest vector width, or 0 for one
    /// <c>[Channels][FPad]</c> matrix. Narrower widths keep blocks of their own filter chunk (<see cref="WinogradEmitter.ChunkFilters"/>).
    /// </summary>
    public int FilterBlock { get; init; }

    /// <summary>Rows of tiles transformed, multiplied and transformed back together, so their scratch stays in L2.</summary>
    public int BandRows { get; init; } = 1;

    /// <summary>The workspace buffer holding the (padded) input.</summary>
    public string SourceBuffer => Sources[0];
}

/// <summary>Depthwise convolution over an (already padded and channel-expanded) input. Kernel <c>[KH·KW][CPad]</c>, then bias.</summary>
internal sealed record DepthwiseStep(
    int InRow, int Channels, int PaddedChannels, int OutH, int OutW,
    int KernelH, int KernelW, int StrideH, int StrideW, int DilationH, int DilationW,
    long KernelOffset, long BiasOffset) : ForwardStep
{
    public override bool CanFuseActivation => true;
    public override (int Height, int Width, int Channels)? FrameableImage => (OutH, OutW, Channels);
}

/// <summary>Copies an image into a larger/smaller window (zero padding, cropping) and can repeat each channel <c>Multiplier</c> times.</summary>
internal sealed record WindowCopyStep(
    int SourceH, int SourceW, int Channels, int OutH, int OutW, int Top, int Left, int Multiplier) : ForwardStep;

/// <summary>Max or average pooling with Keras's padding rule (padded cells never count).</summary>
internal sealed record PoolStep(
    bool Max, int InH, int InW, int Channels, int OutH, int OutW,
    int PoolH, int PoolW, int StrideH, int StrideW, int PadTop, int PadLeft) : ForwardStep
{
    public override (int Height, int Width, int Channels)? FrameableImage => (OutH, OutW, Channels);
}

/// <summary>
/// GlobalAveragePooling2D / GlobalMaxPooling2D: reduces <c>Pixels</c> vectors of <c>Channels</c> values. After a
/// convolution that pooled its rows (<see cref="ConvolutionStep.PoolRows"/>) those are the row results, and the average
/// divides by <see cref="Divisor"/>, the image's pixel count.
/// </summary>
internal sealed record GlobalPoolStep(bool Max, int Pixels, int Channels) : ForwardStep
{
    /// <summary>What the sum is divided by (average pooling): the pixels of the pooled image.</summary>
    public int Divisor { get; init; } = Pixels;

    /// <summary>Whether the step reduces per-row results of the convolution before it rather than pixels.</summary>
    public bool OfRows => Divisor != Pixels;
}

internal sealed record UpSampleStep(int InH, int InW, int Channels, int FactorH, int FactorW) : ForwardStep;

/// <summary>BatchNormalization that could not be folded: <c>x·scale + shift</c> per channel.</summary>
internal sealed record ScaleShiftStep(long Pixels, int Channels, int PaddedChannels, long Offset) : ForwardStep
{
    public override bool CanFuseActivation => true;
}

/// <summary>Conv2DTranspose, first half: scatter every input pixel's contribution into a zeroed full-size staging image (stride FPad).</summary>
internal sealed record TransposeScatterStep(
    int InH, int InW, int Channels, int FullH, int FullW, int Filters, int PaddedFilters,
    int KernelH, int KernelW, int StrideH, int StrideW, long KernelOffset) : ForwardStep;

/// <summary>Conv2DTranspose, second half: crop the staging image to the output, add the bias, activate.</summary>
internal sealed record TransposeCropStep(
    int FullW, int PaddedFilters, int OutH, int OutW, int Filters, int Top, int Left, long BiasOffset) : ForwardStep
{
    public override bool CanFuseActivation => true;
}

/// <summary>Keras Add: the elementwise sum of the sources, in order.</summary>
internal sealed record AddStep(long Elements) : ForwardStep
{
    public override bool CanFuseActivation => true;
}

/// <summary>Keras Concatenate on the last axis: each pixel's channels from every source, in order.</summary>
internal sealed record ConcatenateStep(long Pixels, Common.EquatableArray<int> Channels) : ForwardStep;

/// <summary>An activation layer that could not be fused into the step before it.</summary>
internal sealed record ActivationStep : ForwardStep;

/// <summary>A network of identity layers only: the output is the input.</summary>
internal sealed record CopyStep : ForwardStep;
