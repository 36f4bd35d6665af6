using System;

namespace ShapeGen.Generators.Generation.Forward;

/// <summary>
/// Which convolutions run by Winograd F(2×2, 3×3) (<see cref="WinogradStep"/>), and their weight packing. Winograd
/// makes 16 multiplies per 2×2 outputs and channel pair instead of 36, for a few additions per tile; the result is the
/// same convolution with a different rounding (well within the conformance tolerance: the transforms only add and
/// halve). Only layers where the products dominate qualify: wide enough, and large enough to pay for the transforms.
/// </summary>
internal static class WinogradPlanner
{
    /// <summary>
    /// The direct multiply-adds a layer needs before Winograd pays: below this the transforms and the scratch traffic
    /// cost about what the saved multiplies would.
    /// </summary>
    public const long MinimumMultiplyAdds = 1_000_000;

    /// <summary>Input channels must fill whole vectors at every width (the input transform has no channel tail).</summary>
    public const int ChannelMultiple = 16;

    /// <summary>Filters must fill whole products chunks at every width (4 vectors of 16, 8 or 4 floats).</summary>
    public const int FilterMultiple = 64;

    /// <summary>Bytes of scratch (transformed tiles and products) a band may use: a quarter of a 1 MB L2, which also holds the input rows, the output and a position's kernel.</summary>
    private const long BandBytes = 256 * 1024;

    private const string Packing = "global::ShapeGen.Runtime.WeightPacking";

    /// <summary>
    /// Whether a convolution over the (padded) input <paramref name="source"/> can run by Winograd: <see cref="QualifiesShape"/>,
    /// and an input in the workspace (the kernel reads it at its workspace offset).
    /// </summary>
    public static bool Qualifies(string source, int channels, int outH, int outW, int filters, WindowGeometry g)
        => QualifiesShape(channels, outH, outW, filters, g) && source is not (Buffers.Input or Buffers.Output);

    /// <summary>
    /// A 3×3 window, stride and dilation 1, channel and filter counts that fill vectors, and enough multiply-adds. An odd
    /// output size takes one more row or column of 2×2 tiles, whose extra outputs are not stored: the input then needs one
    /// more zero row or column at the bottom or right (<see cref="PaddedOutput"/>), and the layer must still save at least
    /// a third of the multiplies (<see cref="MinimumMultiplySaving"/>).
    /// </summary>
    public static bool QualifiesShape(int channels, int outH, int outW, int filters, WindowGeometry g)
        => g is { KernelH: 3, KernelW: 3, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1 }
            && outH > 0 && outW > 0
            && channels % ChannelMultiple == 0 && filters % FilterMultiple == 0
            && 9L * outH * outW * channels * filters >= MinimumMultiplyAdds
            && 9.0 * outH * outW >= MinimumMultiplySaving * WinogradStep.Positions * ((outH + 1) / 2) * ((outW + 1) / 2);

    /// <summary>
    /// Direct multiplies per Winograd multiply a layer needs (9 per output against 16 per 2×2 tile): 2.25 for every even
    /// size; for odd sizes the unstored outputs lower it (11×11: 1.89, 5×5: 1.56, 3×3: 1.27, 1×1: 0.56). Below 1.5 the
    /// transforms cost more than the multiplies saved.
    /// </summary>
    public const double MinimumMultiplySaving = 1.5;

    /// <summary>The output size the tiles cover: rounded up to even, so the input is read (and must be padded) that far.</summary>
    public static (int Height, int Width) PaddedOutput(int outH, int outW) => (outH + (outH & 1), outW + (outW & 1));

    /// <summary>Adds the step and its packing when the layer qualifies; false leaves it to the direct convolution.</summary>
    public static bool TryAdd(PlanContext c, int inRow, int channels, int outH, int outW, int filters, WindowGeometry g,
        bool useBias, Engine.ActivationKind activation, int lastAxis)
    {
        string source = c.LastStep?.Destination ?? c.Inputs[0];
        if (!Qualifies(source, channels, outH, outW, filters, g)) return false;

        int padded = ForwardPlan.PadChannels(filters);
        long matrix = (long)channels * padded;
        long kernelOffset = c.Plan.Reserve(WinogradStep.Positions * matrix);
        long biasOffset = c.Plan.Reserve(padded);
        string name = c.Layer.Name;
        c.Plan.PackingStatements.Add($"{Packing}.WinogradKernel({c.Parameters(0, 9L * channels * filters)}, packed.Slice({kernelOffset}, {WinogradStep.Positions * matrix}), {channels}, {filters}, {padded}); // {name} kernel, Winograd-transformed");
        if (useBias)
            c.Plan.PackingStatements.Add($"{c.Parameters(9L * channels * filters, filters)}.CopyTo(packed.Slice({biasOffset}, {filters})); // {name} bias");
        var step = new WinogradStep(inRow, channels, outH, outW, filters, padded, kernelOffset, biasOffset)
        {
            Activation = activation, OutputElements = (long)outH * outW * filters, LastAxis = lastAxis,
            FilterBlock = LayerPlanner.FilterBlock(padded), BandRows = BandRows((outH + 1) / 2, (outW + 1) / 2, channels, filters),
        };
        if (step.FilterBlock > 0)
        {
            string block = LayerPlanner.PerWidthBlock(v => WinogradEmitter.ChunkFilters(step, v), out string sizes);
            c.Plan.LayoutStatements.Add($"for (int position = 0; position < {WinogradStep.Positions}; position++) {Packing}.BlockColumns(packed.Slice({kernelOffset} + position * {matrix}, {matrix}), {channels}, {padded}, {block}); // {name} kernel in blocks of {sizes} filters");
        }
        c.Plan.RequireBuffer(Buffers.WinogradInput, step.TileRows * step.InputRowFloats);
        c.Plan.RequireBuffer(Buffers.WinogradProducts, step.TileRows * step.ProductsRowFloats);
        c.Add(step);
        return true;
    }

    /// <summary>
    /// Once every layer is planned: spreads each Winograd step's rows of tiles over the whole shared scratch buffers
    /// (<see cref="WinogradStep.InputRowSpacing"/>), in whole cache lines.
    /// </summary>
    public static void Finish(ForwardPlan plan)
    {
        for (int i = 0; i < plan.Steps.Count; i++)
        {
            if (plan.Steps[i] is not WinogradStep step) continue;
            var spaced = step with
            {
                InputRowSpacing = Spacing(plan.BufferFloats[Buffers.WinogradInput], step.TileRows, step.InputRowFloats),
                ProductsRowSpacing = Spacing(plan.BufferFloats[Buffers.WinogradProducts], step.TileRows, step.ProductsRowFloats),
            };
            spaced.Sources = step.Sources;
            spaced.Destination = step.Destination;
            plan.Steps[i] = spaced;
        }
    }

    private static long Spacing(long bufferFloats, int rows, long rowFloats)
    {
        long spacing = bufferFloats / rows / 16 * 16;
        if (spacing < rowFloats) throw new InvalidOperationException($"Winograd scratch of {bufferFloats} floats cannot hold {rows} rows of {rowFloats}.");
        return spacing;
    }

    /// <summary>Tiles a band needs at least before its scratch budget matters (see <see cref="BandRows"/>).</summary>
    private const int MinimumBandTiles = 16;

    /// <summary>
    /// The most tile rows (a divisor of the tile row count) whose scratch fits <see cref="BandBytes"/>, but at least
    /// enough rows for <see cref="MinimumBandTiles"/> tiles (or the whole image): every band streams all 16 positions'
    /// kernels, so a narrow image in small bands read its megabytes of transformed kernels once per band from L3 or
    /// memory, to keep a scratch in L2 that is a tenth of that or less (CifarVgg's 8×8 layers: two bands of 8 tiles,
    /// 2 and 4 MB of kernels; in one band they took 12–17% less time, A/B on Zen 3).
    /// </summary>
    private static int BandRows(int tileRows, int tileColumns, int channels, int filters)
    {
        long perRow = 4L * WinogradStep.Positions * tileColumns * (channels + filters);
        int fitting = 1;
        for (int rows = tileRows; rows > 1; rows--)
        {
            if (tileRows % rows == 0 && rows * perRow <= BandBytes)
            {
                fitting = rows;
                break;
            }
        }
        for (int rows = fitting; rows < tileRows; rows++)
        {
            if (tileRows % rows == 0 && rows * tileColumns >= MinimumBandTiles) return rows;
        }
        return tileRows;
    }
}
