using System;
using System.Linq;
using ShapeGen.Generators.Common;
using ShapeGen.Generators.Engine;

namespace ShapeGen.Generators.Generation.Forward;

/// <summary>The steps and weight packing for one layer.</summary>
internal static class LayerPlanner
{
    private const string Packing = "global::ShapeGen.Runtime.WeightPacking";

    public static void Add(PlanContext c)
    {
        var layer = c.Layer;
        var spec = layer.Spec;
        var (inH, inW, channels) = Image(layer.InputShape, LayerKindFacts.Is1D(spec.Kind));
        var (outH, outW, outChannels) = Image(layer.OutputShape, LayerKindFacts.Is1D(spec.Kind));
        int lastAxis = layer.OutputShape[layer.OutputShape.Count - 1];
        long outElements = layer.OutputElements;

        switch (spec.Kind)
        {
            case LayerKind.Conv1D:
            case LayerKind.Conv2D:
            {
                var geometry = Geometry(spec);
                if (SmallConvolutions.TryAdd(c, inH, inW, channels, outH, outW, outChannels, geometry)) break; // few filters
                // Winograd's tiles cover an odd output size rounded up to even: pad the input for that many rows and columns.
                bool winogradShape = !LayerKindFacts.Is1D(spec.Kind) && WinogradPlanner.QualifiesShape(channels, outH, outW, outChannels, geometry);
                var (readH, readW) = winogradShape ? WinogradPlanner.PaddedOutput(outH, outW) : (outH, outW);
                int inRow = PadIfNeeded(c, inH, inW, channels, readH, readW, geometry, layer.PadTop, multiplier: 1,
                    readInPlace: !winogradShape && CanReadBorderInPlace(geometry, outH, outW), out var border);
                if (border is null && !LayerKindFacts.Is1D(spec.Kind)
                    && WinogradPlanner.TryAdd(c, inRow, channels, outH, outW, outChannels, geometry, spec.UseBias, spec.Activation, lastAxis)) break;
                AddConvolution(c, inRow, channels, outH, outW, outChannels, geometry, kernelParameters: 0,
                    kernelCount: (long)geometry.KernelH * geometry.KernelW * channels * outChannels, spec.UseBias, spec.Activation, lastAxis, border);
                break;
            }
            case LayerKind.Dense:
            {
                int inFeatures = layer.InputShape[layer.InputShape.Count - 1];
                int positions = (int)(layer.InputElements / inFeatures);
                AddConvolution(c, positions, inFeatures, 1, positions, spec.Units, WindowGeometry.Pointwise, 0,
                    (long)inFeatures * spec.Units, spec.UseBias, spec.Activation, lastAxis);
                break;
            }
            case LayerKind.DepthwiseConv2D:
            {
                var geometry = Geometry(spec);
                int inRow = PadIfNeeded(c, inH, inW, channels, outH, outW, geometry, layer.PadTop, spec.DepthMultiplier);
                AddDepthwise(c, inRow, outChannels, outH, outW, geometry, 0, spec.UseBias, spec.Activation, lastAxis, internalStep: false);
                break;
            }
            case LayerKind.SeparableConv2D:
            {
                var geometry = Geometry(spec);
                int expanded = channels * spec.DepthMultiplier;
                int inRow = PadIfNeeded(c, inH, inW, channels, outH, outW, geometry, layer.PadTop, spec.DepthMultiplier);
                AddDepthwise(c, inRow, expanded, outH, outW, geometry, 0, useBias: false, ActivationKind.Linear, expanded, internalStep: true);
                AddConvolution(c, outW, expanded, outH, outW, outChannels, WindowGeometry.Pointwise,
                    kernelParameters: (long)geometry.KernelH * geometry.KernelW * expanded, kernelCount: (long)expanded * outChannels,
                    spec.UseBias, spec.Activation, lastAxis);
                break;
            }
            case LayerKind.Conv2DTranspose:
                AddTranspose(c, inH, inW, channels, outH, outW, outChannels, lastAxis);
                break;
            case LayerKind.MaxPooling1D:
            case LayerKind.AveragePooling1D:
            case LayerKind.MaxPooling2D:
            case LayerKind.AveragePooling2D:
            {
                var geometry = Geometry(spec);
                bool oneD = LayerKindFacts.Is1D(spec.Kind);
                c.Add(new PoolStep(spec.Kind is LayerKind.MaxPooling1D or LayerKind.MaxPooling2D, inH, inW, channels, outH, outW,
                    geometry.KernelH, geometry.KernelW, geometry.StrideH, geometry.StrideW,
                    oneD ? 0 : layer.PadTop, oneD ? layer.PadTop : layer.PadLeft)
                    { OutputElements = outElements, LastAxis = lastAxis });
                break;
            }
            case LayerKind.GlobalAveragePooling2D:
            case LayerKind.GlobalMaxPooling2D:
                // After a convolution that pooled each of its rows (ForwardPlanner), only those rows are left to reduce.
                c.Add(new GlobalPoolStep(spec.Kind == LayerKind.GlobalMaxPooling2D, c.PooledInputRows ?? inH * inW, channels)
                    { Divisor = inH * inW, OutputElements = outElements, LastAxis = lastAxis });
                break;
            case LayerKind.ZeroPadding2D:
            case LayerKind.Cropping2D:
                c.Add(new WindowCopyStep(inH, inW, channels, outH, outW, layer.PadTop, layer.PadLeft, 1) { OutputElements = outElements, LastAxis = lastAxis });
                break;
            case LayerKind.UpSampling2D:
                c.Add(new UpSampleStep(inH, inW, channels, spec.SizeHeight, spec.SizeWidth) { OutputElements = outElements, LastAxis = lastAxis });
                break;
            case LayerKind.Add:
                c.Add(new AddStep(outElements) { OutputElements = outElements, LastAxis = lastAxis, Activation = ActivationKind.Linear });
                break;
            case LayerKind.Concatenate:
                c.Add(new ConcatenateStep(outElements / lastAxis, layer.InputShapes.Select(s => s[s.Count - 1]).ToEquatableArray())
                    { OutputElements = outElements, LastAxis = lastAxis });
                break;
            case LayerKind.BatchNormalization:
            {
                int padded = ForwardPlan.PadChannels(lastAxis);
                long offset = c.Plan.Reserve(2L * padded);
                c.Plan.PackingStatements.Add($"{Packing}.BatchNorm({c.Parameters(0, 4L * lastAxis)}, packed.Slice({offset}, {2 * padded}), {lastAxis}, {padded}, {CSharpLiterals.Float(spec.Epsilon)}); // {layer.Name}");
                c.Add(new ScaleShiftStep(outElements / lastAxis, lastAxis, padded, offset) { OutputElements = outElements, LastAxis = lastAxis });
                break;
            }
            default:
                throw new InvalidOperationException($"No forward step for {spec.Kind}.");
        }
    }

    /// <summary>A tensor as (height, width, channels): 1D tensors are one row; vectors one pixel.</summary>
    private static (int H, int W, int C) Image(Common.EquatableArray<int> shape, bool oneD) => shape.Count switch
    {
        3 => (shape[0], shape[1], shape[2]),
        2 => (1, shape[0], shape[1]),
        1 => (1, 1, shape[0]),
        _ => (1, (int)(Shapes.Product(shape) / shape[shape.Count - 1]), shape[shape.Count - 1]),
    };

    /// <summary>Kernel geometry in 2D terms: a 1D layer's only axis becomes the width.</summary>
    private static WindowGeometry Geometry(LayerSpec spec) => LayerKindFacts.Is1D(spec.Kind)
        ? new WindowGeometry(1, spec.KernelHeight, 1, spec.StrideHeight, 1, spec.DilationHeight)
        : new WindowGeometry(spec.KernelHeight, spec.KernelWidth, spec.StrideHeight, spec.StrideWidth, spec.DilationHeight, spec.DilationWidth);

    /// <summary>
    /// Copies the input into a zero-bordered buffer when the layer pads (or repeats channels for a depth multiplier),
    /// so the kernel is always a valid convolution. Returns the row length (in pixels) the kernel reads.
    /// </summary>
    private static int PadIfNeeded(PlanContext c, int inH, int inW, int channels, int outH, int outW, WindowGeometry g, int padBefore, int multiplier)
        => PadIfNeeded(c, inH, inW, channels, outH, outW, g, padBefore, multiplier, readInPlace: false, out _);

    /// <summary>
    /// The zero border in order of cost: none needed; written by the producer around its output (a frame); read in place
    /// by the kernel (<paramref name="readInPlace"/>: <paramref name="border"/> is set and the row length is the input's);
    /// else a padded copy.
    /// </summary>
    private static int PadIfNeeded(PlanContext c, int inH, int inW, int channels, int outH, int outW, WindowGeometry g, int padBefore, int multiplier,
        bool readInPlace, out InputBorder? border)
    {
        border = null;
        bool oneD = LayerKindFacts.Is1D(c.Layer.Spec.Kind);
        int top = oneD ? 0 : padBefore, left = oneD ? padBefore : c.Layer.PadLeft;
        int needH = (outH - 1) * g.StrideH + (g.KernelH - 1) * g.DilationH + 1;
        int needW = (outW - 1) * g.StrideW + (g.KernelW - 1) * g.DilationW + 1;
        if (top == 0 && left == 0 && needH <= inH && needW <= inW && multiplier == 1) return inW;
        int paddedH = Math.Max(needH, 1), paddedW = Math.Max(needW, 1);
        // Padding only (no cropping, no repeated channels): the producer can write straight into the padded frame.
        if (multiplier == 1 && top + inH <= paddedH && left + inW <= paddedW && c.FramedInput is { } frame
            && frame(new OutputFrame(top, left, paddedH, paddedW), inH, inW, channels))
        {
            return paddedW;
        }
        if (readInPlace && multiplier == 1)
        {
            border = new InputBorder(top, left, inH, inW);
            return inW;
        }
        c.AddInternal(new WindowCopyStep(inH, inW, channels, paddedH, paddedW, top, left, multiplier)
            { OutputElements = (long)paddedH * paddedW * channels * multiplier }, Buffers.Padded);
        return paddedW;
    }

    /// <summary>
    /// Output channels per weight block for the widest vector width: the chunk its convolution kernel accumulates at
    /// once (4 × 16 lanes). Whether a layer is blocked at all is decided on it; the narrower widths then use blocks of
    /// their own chunks (16 to 32 filters for AVX2, see <see cref="KernelEmitter.ForWidth"/>), which divide it.
    /// </summary>
    internal const int ConvolutionFilterBlock = 64;

    /// <summary>
    /// The widest width's weight block for a kernel over several pixels with <paramref name="paddedFilters"/> columns: 0
    /// (one matrix) unless they are whole blocks. One block (64 filters) is the plain matrix for the 512-bit kernel, but
    /// the narrower widths' chunks still get blocks of their own.
    /// </summary>
    internal static int FilterBlock(int paddedFilters)
        => paddedFilters % ConvolutionFilterBlock == 0 ? ConvolutionFilterBlock : 0;

    /// <summary>
    /// Whether the general convolution kernel can add this layer's zero border itself (<see cref="InputBorder"/>): it
    /// reads a kernel row's taps as one run of inputs (no horizontal dilation) and works on rows of pixels (a single
    /// output position is a Dense-like kernel without row blocks).
    /// </summary>
    private static bool CanReadBorderInPlace(WindowGeometry g, int outH, int outW)
        => (g.DilationW == 1 || g.KernelW == 1) && (long)outH * outW > 1;

    private static void AddConvolution(PlanContext c, int inRow, int channels, int outH, int outW, int filters, WindowGeometry g,
        long kernelParameters, long kernelCount, bool useBias, ActivationKind activation, int lastAxis, InputBorder? border = null)
    {
        int padded = ForwardPlan.PadChannels(filters);
        long rows = (long)g.KernelH * g.KernelW * channels;
        long kernelOffset = c.Plan.Reserve(rows * padded);
        long biasOffset = c.Plan.Reserve(padded);
        c.Plan.PackingStatements.Add($"{Packing}.PadColumns({c.Parameters(kernelParameters, kernelCount)}, packed.Slice({kernelOffset}, {rows * padded}), {rows}, {filters}, {padded}); // {c.Layer.Name} kernel");
        if (useBias)
            c.Plan.PackingStatements.Add($"{c.Parameters(kernelParameters + kernelCount, filters)}.CopyTo(packed.Slice({biasOffset}, {filters})); // {c.Layer.Name} bias");
        var step = new ConvolutionStep(inRow, channels, outH, outW, filters, padded, g.KernelH, g.KernelW, g.StrideH, g.StrideW, g.DilationH, g.DilationW,
            kernelOffset, biasOffset) { Activation = activation, OutputElements = (long)outH * outW * filters, LastAxis = lastAxis, Border = border };
        // Wide layers over several pixels keep each chunk of output channels' weights contiguous: the kernel works on one
        // chunk at a time and streams its weights in order, and each vector width has its own chunk, so the constructor
        // packs for the width that runs (KernelEmitter.ForWidth). A Dense layer that threads split by filters keeps each
        // part contiguous: a thread streaming every other half-row of the weights makes the prefetchers fetch all of them.
        step = (long)outH * outW > 1 && FilterBlock(padded) > 0
            ? step with { FilterBlock = FilterBlock(padded), BlocksPerChunk = true }
            : step with { FilterBlock = (long)outH * outW == 1 && ParallelSplit.FilterParts(step) is not null ? ParallelSplit.FilterPartSize : 0 };
        if (step.FilterBlock > 0)
        {
            var blocked = step;
            c.Plan.LayoutStatements.Add($"{Packing}.BlockColumns(packed.Slice({kernelOffset}, {rows * padded}), {rows}, {padded}, {PerWidthBlock(v => KernelEmitter.ForWidth(blocked, v).FilterBlock, out string sizes)}); // {c.Layer.Name} kernel in blocks of {sizes} filters");
        }
        c.Add(step);
    }

    /// <summary>
    /// The block size argument for weights kept in blocks of each vector width's filter chunk: a constant when every
    /// width agrees, else a choice in the order <c>Run</c> dispatches (the widest accelerated width first).
    /// </summary>
    internal static string PerWidthBlock(Func<VectorWidth, int> blockFor, out string sizes)
    {
        int[] blocks = VectorWidth.All.Select(blockFor).ToArray();
        if (blocks.All(b => b == blocks[0]))
        {
            sizes = blocks[0].ToString(System.Globalization.CultureInfo.InvariantCulture);
            return sizes;
        }
        sizes = string.Join(" / ", VectorWidth.All.Select((v, i) => $"{blocks[i]} ({v.Bits}-bit)"));
        var choice = new System.Text.StringBuilder();
        for (int i = 0; i < blocks.Length - 1; i++) choice.Append($"{VectorWidth.All[i].Static}.IsHardwareAccelerated ? {blocks[i]} : ");
        return choice.Append(blocks[blocks.Length - 1]).ToString();
    }

    private static void AddDepthwise(PlanContext c, int inRow, int channels, int outH, int outW, WindowGeometry g, long kernelParameters,
        bool useBias, ActivationKind activation, int lastAxis, bool internalStep)
    {
        int padded = ForwardPlan.PadChannels(channels);
        long taps = (long)g.KernelH * g.KernelW;
        long kernelOffset = c.Plan.Reserve(taps * padded);
        long biasOffset = c.Plan.Reserve(padded);
        // Keras's depthwise kernel [kh, kw, in, multiplier] is already [taps][in·multiplier] with channel c·m + j.
        c.Plan.PackingStatements.Add($"{Packing}.PadColumns({c.Parameters(kernelParameters, taps * channels)}, packed.Slice({kernelOffset}, {taps * padded}), {taps}, {channels}, {padded}); // {c.Layer.Name} depthwise kernel");
        if (useBias)
            c.Plan.PackingStatements.Add($"{c.Parameters(kernelParameters + taps * channels, channels)}.CopyTo(packed.Slice({biasOffset}, {channels})); // {c.Layer.Name} bias");
        var step = new DepthwiseStep(inRow, channels, padded, outH, outW, g.KernelH, g.KernelW, g.StrideH, g.StrideW, g.DilationH, g.DilationW,
            kernelOffset, biasOffset) { Activation = activation, OutputElements = (long)outH * outW * channels, LastAxis = lastAxis };
        if (internalStep) c.AddInternal(step, Buffers.Staging);
        else c.Add(step);
    }

    private static void AddTranspose(PlanContext c, int inH, int inW, int channels, int outH, int outW, int filters, int lastAxis)
    {
        var spec = c.Layer.Spec;
        int padded = ForwardPlan.PadChannels(filters);
        int top = c.Layer.PadTop, left = c.Layer.PadLeft;
        // The full scatter result, large enough for the cropped output window (k < s leaves trailing zero rows).
        int fullH = Math.Max((inH - 1) * spec.StrideHeight + spec.KernelHeight, top + outH);
        int fullW = Math.Max((inW - 1) * spec.StrideWidth + spec.KernelWidth, left + outW);
        long taps = (long)spec.KernelHeight * spec.KernelWidth;
        long kernelOffset = c.Plan.Reserve(taps * channels * padded);
        long biasOffset = c.Plan.Reserve(padded);
        c.Plan.PackingStatements.Add($"{Packing}.TransposeKernel({c.Parameters(0, taps * filters * channels)}, packed.Slice({kernelOffset}, {taps * channels * padded}), {taps}, {filters}, {channels}, {padded}); // {c.Layer.Name} kernel");
        if (spec.UseBias)
            c.Plan.PackingStatements.Add($"{c.Parameters(taps * filters * channels, filters)}.CopyTo(packed.Slice({biasOffset}, {filters})); // {c.Layer.Name} bias");
        c.AddInternal(new TransposeScatterStep(inH, inW, channels, fullH, fullW, filters, padded, spec.KernelHeight, spec.KernelWidth,
            spec.StrideHeight, spec.StrideWidth, kernelOffset) { OutputElements = (long)fullH * fullW * padded }, Buffers.Staging);
        c.Add(new TransposeCropStep(fullW, padded, outH, outW, filters, top, left, biasOffset)
            { Activation = spec.Activation, OutputElements = (long)outH * outW * filters, LastAxis = lastAxis });
    }
}

/// <summary>A convolution window in 2D terms.</summary>
internal readonly record struct WindowGeometry(int KernelH, int KernelW, int StrideH, int StrideW, int DilationH, int DilationW)
{
    public static WindowGeometry Pointwise => new(1, 1, 1, 1, 1, 1);
}
