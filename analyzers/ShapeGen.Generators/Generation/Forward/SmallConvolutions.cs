using System;
using System.Globalization;
using System.Linq;
using ShapeGen.Generators.Engine;

namespace ShapeGen.Generators.Generation.Forward;

/// <summary>
/// A convolution with at most four filters, whose standard kernel (one vector of output channels per pixel) would
/// leave most lanes idle. Its packed weights are kept in the standard layout (<see cref="KernelOffset"/>,
/// <see cref="BiasOffset"/>: <c>[KernelRows][PaddedFilters]</c>, so BatchNormalization folds into them as usual) and
/// repacked for the kernel at <see cref="PackedKernelOffset"/> once every fold has run.
/// </summary>
internal interface ISmallConvolution
{
    long KernelOffset { get; }
    long BiasOffset { get; }
    int KernelRows { get; }
    int PaddedFilters { get; }
}

/// <summary>
/// Copies a one-channel image into a buffer of its own, each value repeated <c>Factor</c> times (one per filter), at
/// (<c>Top</c>, <c>Left</c>) of an <c>OutH×OutW</c> window. Only the copied pixels are written: the rest of the buffer is
/// zero from allocation and nothing else writes it, so the padding costs nothing per call.
/// </summary>
internal sealed record ReplicateStep(int SourceH, int SourceW, int OutH, int OutW, int Top, int Left, int Factor, int RowFloats) : ForwardStep;

/// <summary>
/// Copies an image into the interior of a zero-bordered buffer of its own (the border is zero from allocation and
/// nothing else writes the buffer).
/// </summary>
internal sealed record BorderedCopyStep(int SourceH, int SourceW, int Channels, int OutH, int OutW, int Top, int Left) : ForwardStep;

/// <summary>
/// One input channel, 1, 2 or 4 filters, unit horizontal stride: each vector holds several consecutive output pixels
/// × all filters (lanes <c>pixel·Filters + filter</c>), read from a <see cref="ReplicateStep"/> buffer whose rows start
/// every <c>InPitch</c> floats (a whole number of 512-bit vectors, so a row's vectors can be loaded aligned and shifted
/// into place per tap), so one FMA per tap and pixel group. Output rows are <c>OutPitch</c> floats apart from <c>OutStart</c>
/// (the interior of a zero-bordered buffer when the next convolution pads).
/// </summary>
internal sealed record PixelPackedConvolutionStep(
    int InPitch, int OutH, int OutW, int Filters, int KernelH, int KernelW, int StrideH, int DilationH, int DilationW,
    long KernelOffset, long BiasOffset, long PackedKernelOffset, long PackedBiasOffset) : ForwardStep, ISmallConvolution
{
    public int OutPitch { get; set; }
    public int OutStart { get; set; }
    public int KernelRows => KernelH * KernelW;
    public int PaddedFilters => ForwardPlan.PadChannels(Filters);
    public override bool CanFuseActivation => true;
}

/// <summary>
/// Four input channels, up to four filters: lanes <c>filter·4 + channel</c>, so one FMA per tap and pixel multiplies the
/// pixel's four channels (broadcast to every block) by the tap's 4×4 weights; the channel sums are taken at the end,
/// four pixels at a time.
/// </summary>
internal sealed record ChannelBlockConvolutionStep(
    int InRow, int OutH, int OutW, int Filters, int KernelH, int KernelW, int StrideH, int StrideW, int DilationH, int DilationW,
    long KernelOffset, long BiasOffset, long PackedKernelOffset, long PackedBiasOffset) : ForwardStep, ISmallConvolution
{
    public const int Channels = 4;
    public int KernelRows => KernelH * KernelW * Channels;
    public int PaddedFilters => ForwardPlan.PadChannels(Filters);
    public override bool CanFuseActivation => true;
}

/// <summary>Planning for the few-filter convolution kernels (see <see cref="SmallConvolutionEmitter"/>).</summary>
internal static class SmallConvolutions
{
    private const string Packing = "global::ShapeGen.Runtime.SmallKernelPacking";
    /// <summary>Replicated inputs larger than this stay with the standard kernel.</summary>
    private const long MaxReplicatedFloats = 1 << 20;

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Plans a Conv1D/Conv2D layer with a few-filter kernel when one applies; false leaves it to the standard steps.</summary>
    public static bool TryAdd(PlanContext c, int inH, int inW, int channels, int outH, int outW, int filters, WindowGeometry g)
    {
        var spec = c.Layer.Spec;
        bool oneD = LayerKindFacts.Is1D(spec.Kind);
        int top = oneD ? 0 : c.Layer.PadTop, left = oneD ? c.Layer.PadTop : c.Layer.PadLeft;
        int needH = Math.Max((outH - 1) * g.StrideH + (g.KernelH - 1) * g.DilationH + 1, 1);
        int needW = Math.Max((outW - 1) * g.StrideW + (g.KernelW - 1) * g.DilationW + 1, 1);
        if (top < 0 || left < 0 || outH <= 0 || outW <= 0) return false;

        bool pixelPacked = channels == 1 && filters is 1 or 2 or 4 && g.StrideW == 1 && (long)needH * needW * filters <= MaxReplicatedFloats;
        bool channelBlocks = channels == ChannelBlockConvolutionStep.Channels && filters <= 4;
        if (!pixelPacked && !channelBlocks) return false;

        var plan = c.Plan;
        int padded = ForwardPlan.PadChannels(filters);
        long rows = (long)g.KernelH * g.KernelW * channels;
        long kernelCount = rows * filters;
        long kernelOffset = plan.Reserve(rows * padded);
        long biasOffset = plan.Reserve(padded);
        plan.PackingStatements.Add($"global::ShapeGen.Runtime.WeightPacking.PadColumns({c.Parameters(0, kernelCount)}, packed.Slice({kernelOffset}, {rows * padded}), {rows}, {filters}, {padded}); // {c.Layer.Name} kernel");
        if (spec.UseBias)
            plan.PackingStatements.Add($"{c.Parameters(kernelCount, filters)}.CopyTo(packed.Slice({biasOffset}, {filters})); // {c.Layer.Name} bias");
        long taps = (long)g.KernelH * g.KernelW;
        long packedKernel = plan.Reserve(taps * 16);
        long packedBias = plan.Reserve(16);
        string buffer = (pixelPacked ? "replicated" : "bordered") + I(plan.Steps.Count);

        if (pixelPacked)
        {
            // Rows padded to whole 16-float vectors; past the last row, room for the vectors a row's last pixel group
            // reads (its unused lanes, and the next vector for shifted taps).
            int pitch = (int)ForwardPlan.Align((long)needW * filters);
            int slack = 16 * (2 + (g.KernelW - 1) * g.DilationW * filters / 16);
            c.AddInternal(new ReplicateStep(inH, inW, needH, needW, top, left, filters, pitch)
                { OutputElements = (long)needH * pitch + slack }, buffer);
            c.Add(new PixelPackedConvolutionStep(pitch, outH, outW, filters, g.KernelH, g.KernelW, g.StrideH, g.DilationH, g.DilationW,
                kernelOffset, biasOffset, packedKernel, packedBias)
                { Activation = spec.Activation, OutputElements = (long)outH * outW * filters, LastAxis = filters, OutPitch = outW * filters });
            return true;
        }

        int inRow = inW;
        if (top != 0 || left != 0 || needH > inH || needW > inW)
        {
            c.AddInternal(new BorderedCopyStep(inH, inW, channels, needH, needW, top, left)
                { OutputElements = (long)needH * needW * channels }, buffer);
            inRow = needW;
        }
        c.Add(new ChannelBlockConvolutionStep(inRow, outH, outW, filters, g.KernelH, g.KernelW, g.StrideH, g.StrideW, g.DilationH, g.DilationW,
            kernelOffset, biasOffset, packedKernel, packedBias)
            { Activation = spec.Activation, OutputElements = (long)outH * outW * filters, LastAxis = filters });
        return true;
    }

    /// <summary>
    /// After the whole plan: a pixel-packed convolution whose only reader copies its output into a bordered buffer
    /// writes straight into that buffer's interior instead, and the copy goes. Then the kernels' own weight layouts
    /// are derived from the standard ones (after every BatchNormalization fold).
    /// </summary>
    public static void Finish(ForwardPlan plan)
    {
        for (int i = plan.Steps.Count - 1; i > 0; i--)
        {
            if (plan.Steps[i] is not BorderedCopyStep copy) continue;
            string source = copy.Sources[0];
            int producer = plan.Steps.FindLastIndex(i - 1, s => s.Destination == source);
            if (producer < 0 || plan.Steps[producer] is not PixelPackedConvolutionStep conv) continue;
            // Nothing else may read the producer's output, before or after the copy (until the buffer is written again).
            int nextWrite = plan.Steps.FindIndex(i + 1, s => s.Destination == source);
            int end = nextWrite < 0 ? plan.Steps.Count : nextWrite + 1;
            bool otherReaders = Enumerable.Range(producer + 1, end - producer - 1)
                .Any(k => k != i && plan.Steps[k].Sources.Contains(source));
            if (otherReaders || source is Buffers.Input or Buffers.Output || copy.SourceH != conv.OutH || copy.SourceW != conv.OutW) continue;
            // Only when the kernel applies the activation itself (a pass would walk the output as if it were dense), and
            // the output fits the window (a 'same' window can crop the last rows or columns).
            if (!SmallConvolutionEmitter.FusesActivation(conv)) continue;
            if (copy.Top + conv.OutH > copy.OutH || copy.Left + conv.OutW > copy.OutW) continue;
            var retargeted = conv with { OutputElements = copy.OutputElements };
            retargeted.Sources = conv.Sources;
            retargeted.Destination = copy.Destination;
            retargeted.OutPitch = copy.OutW * copy.Channels;
            retargeted.OutStart = (copy.Top * copy.OutW + copy.Left) * copy.Channels;
            plan.Steps[producer] = retargeted;
            plan.Steps.RemoveAt(i);
        }

        foreach (var step in plan.Steps)
        {
            switch (step)
            {
                case PixelPackedConvolutionStep s:
                    plan.PackingStatements.Add($"{Packing}.RepeatRows(packed.Slice({s.KernelOffset}, {(long)s.KernelRows * s.PaddedFilters}), packed.Slice({s.PackedKernelOffset}, {s.KernelRows * 16}), {s.KernelRows}, {s.Filters}, {s.PaddedFilters}, {s.Filters}); // {s.LayerName} kernel, per pixel");
                    plan.PackingStatements.Add($"{Packing}.RepeatRows(packed.Slice({s.BiasOffset}, {s.PaddedFilters}), packed.Slice({s.PackedBiasOffset}, 16), 1, {s.Filters}, {s.PaddedFilters}, {s.Filters}); // {s.LayerName} bias, per pixel");
                    break;
                case ChannelBlockConvolutionStep s:
                    plan.PackingStatements.Add($"{Packing}.ChannelBlocks(packed.Slice({s.KernelOffset}, {(long)s.KernelRows * s.PaddedFilters}), packed.Slice({s.PackedKernelOffset}, {s.KernelH * s.KernelW * 16}), {s.KernelH * s.KernelW}, {ChannelBlockConvolutionStep.Channels}, {s.Filters}, {s.PaddedFilters}); // {s.LayerName} kernel, channel blocks");
                    plan.PackingStatements.Add($"{Packing}.RepeatRows(packed.Slice({s.BiasOffset}, {s.PaddedFilters}), packed.Slice({s.PackedBiasOffset}, 16), 1, {s.Filters}, {s.PaddedFilters}, {s.Filters}); // {s.LayerName} bias, per pixel");
                    break;
            }
        }
    }
}
