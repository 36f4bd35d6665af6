using System;
using System.Collections.Generic;
using System.Linq;
using ShapeGen.Generators.Common;

namespace ShapeGen.Generators.Engine;

/// <summary>Per-layer Keras rules: output shape, parameters, multiply-adds, and the shape problems (SG0001–SG0003, SG0007) and notes (SG0009, SG0011).</summary>
internal static class LayerRules
{
    /// <summary>The layer's result, or null after reporting an error that stops the stack.</summary>
    public static LayerResult? Apply(LayerContext c)
    {
        var s = c.Spec;
        switch (s.Kind)
        {
            case LayerKind.Conv1D: return Convolution(c, rank: 2);
            case LayerKind.Conv2D: return Convolution(c, rank: 3);
            case LayerKind.DepthwiseConv2D: return Convolution(c, rank: 3);
            case LayerKind.SeparableConv2D: return Convolution(c, rank: 3);
            case LayerKind.Conv2DTranspose: return Transpose(c);
            case LayerKind.MaxPooling1D:
            case LayerKind.AveragePooling1D: return Convolution(c, rank: 2);
            case LayerKind.MaxPooling2D:
            case LayerKind.AveragePooling2D: return Convolution(c, rank: 3);
            case LayerKind.GlobalAveragePooling2D:
            case LayerKind.GlobalMaxPooling2D:
                if (!RequireRank(c, 3)) return null;
                return Result(c, new[] { c.Input[2] }, 0, 0, 0);
            case LayerKind.ZeroPadding2D:
                if (!RequireRank(c, 3)) return null;
                return Result(c, new[] { checked(c.Input[0] + s.Top + s.Bottom), checked(c.Input[1] + s.Left + s.Right), c.Input[2] }, 0, 0, 0)
                    with { PadTop = s.Top, PadLeft = s.Left };
            case LayerKind.Cropping2D: return Cropping(c);
            case LayerKind.UpSampling2D:
                if (!RequireRank(c, 3)) return null;
                return Result(c, new[] { checked(c.Input[0] * s.SizeHeight), checked(c.Input[1] * s.SizeWidth), c.Input[2] }, 0, 0, 0);
            case LayerKind.Flatten:
                return Result(c, new[] { checked((int)Shapes.Product(c.Input)) }, 0, 0, 0);
            case LayerKind.Reshape: return Reshape(c);
            case LayerKind.Dense: return Dense(c);
            case LayerKind.Add: return MergeRules.Add(c);
            case LayerKind.Concatenate: return MergeRules.Concatenate(c);
            case LayerKind.BatchNormalization:
            {
                int channels = c.Input[c.Input.Length - 1];
                // gamma, beta trainable; moving mean and variance not. One multiply-add per element at inference.
                return Result(c, c.Input, 4L * channels, 2L * channels, Shapes.Product(c.Input));
            }
            default: // Dropout, Activation, ReLU, Softmax: shape-preserving, no weights.
                return Result(c, c.Input, 0, 0, 0);
        }
    }

    internal static LayerResult Result(LayerContext c, int[] output, long parameters, long trainable, long multiplyAdds)
        => new(c.Index, c.Name, c.Spec, c.Input.ToEquatableArray(), output.ToEquatableArray(), parameters, trainable, multiplyAdds);

    private static bool RequireRank(LayerContext c, int rank)
    {
        if (c.Input.Length == rank) return true;
        string needs = rank == 3 ? "a rank-3 input (height, width, channels)" : "a rank-2 input (steps, channels)";
        var properties = new List<IssueProperty>();
        // Removing the Flatten that produced the vector gives back the axes it took away.
        var producer = c.ProducerLayer;
        bool flattenBefore = producer is { Spec.Kind: LayerKind.Flatten };
        if (c.Sequential && flattenBefore && producer!.InputShape.Count == rank)
            properties.Add(new IssueProperty(FixKeys.RemoveFlatten, producer.AttributeIndex.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        string fix;
        if (c.Input.Length == 1)
            fix = flattenBefore
                ? $"Remove the Flatten before it, or insert [Reshape(...)] to give the {(rank == 3 ? "image" : "sequence")} back its axes."
                : $"Insert [Reshape(...)] to give the vector {(rank == 3 ? "height, width and channels" : "steps and channels")}.";
        else if (rank == 2 && c.Input.Length == 3)
        {
            int[] reshape = { c.Input[0] * c.Input[1], c.Input[2] };
            if (c.Sequential) properties.Add(new IssueProperty(FixKeys.Reshape, FixKeys.Ints(reshape)));
            fix = $"Use the 2D layer ({c.Spec.Kind.ToString().Replace("1D", "2D")}), or [Reshape({reshape[0]}, {reshape[1]})] to make the image a sequence.";
        }
        else if (rank == 3 && c.Input.Length == 2)
        {
            int[] reshape = { c.Input[0], 1, c.Input[1] };
            if (c.Sequential) properties.Add(new IssueProperty(FixKeys.Reshape, FixKeys.Ints(reshape)));
            fix = $"Use the 1D layer, or [Reshape({reshape[0]}, {reshape[1]}, {reshape[2]})] to make the sequence an image.";
        }
        else
            fix = "Insert [Flatten] or [Reshape(...)] to reach that rank.";
        c.Report(IssueIds.WrongRank,
            $"{c.Title} needs {needs} but receives {Shapes.Describe(c.Input)} from {c.Producer}. {fix}", properties.ToArray());
        return false;
    }

    /// <summary>Conv1D/2D, depthwise, separable and pooling: windows sliding over 1 or 2 spatial axes.</summary>
    private static LayerResult? Convolution(LayerContext c, int rank)
    {
        if (!RequireRank(c, rank)) return null;
        var s = c.Spec;
        bool oneD = rank == 2;
        int channels = c.Input[rank - 1];
        int inH = c.Input[0], inW = oneD ? 1 : c.Input[1];
        int kh = s.KernelHeight, kw = oneD ? 1 : s.KernelWidth;
        int sh = s.StrideHeight, sw = oneD ? 1 : s.StrideWidth;
        int dh = s.DilationHeight, dw = oneD ? 1 : s.DilationWidth;

        int outH = WindowArithmetic.OutputLength(inH, kh, sh, dh, s.Padding);
        int outW = oneD ? 1 : WindowArithmetic.OutputLength(inW, kw, sw, dw, s.Padding);
        if (outH <= 0 || outW <= 0)
        {
            ReportTooSmall(c, inH, kh, sh, dh, outH, inW, kw, sw, dw, outW, oneD);
            return null;
        }
        if (s.Padding == PaddingMode.Valid)
        {
            ReportDroppedCells(c, inH, kh, sh, dh, inW, kw, sw, dw, oneD);
        }
        else if (s.Padding == PaddingMode.Same)
        {
            ReportUnevenSame(c, inH, kh, sh, dh, inW, kw, sw, dw, oneD);
        }

        long positions = (long)outH * outW;
        long window = (long)kh * kw;
        int outChannels;
        long parameters, multiplyAdds;
        // checked: absurd arguments (a kernel of int.MaxValue with Padding.Same) must not wrap into plausible counts.
        checked
        {
        switch (s.Kind)
        {
            case LayerKind.Conv1D:
            case LayerKind.Conv2D:
                outChannels = s.Filters;
                parameters = window * channels * s.Filters + (s.UseBias ? s.Filters : 0);
                multiplyAdds = positions * window * channels * s.Filters;
                break;
            case LayerKind.DepthwiseConv2D:
                outChannels = channels * s.DepthMultiplier;
                parameters = window * outChannels + (s.UseBias ? outChannels : 0);
                multiplyAdds = positions * window * outChannels;
                break;
            case LayerKind.SeparableConv2D:
            {
                long depthwise = (long)channels * s.DepthMultiplier;
                outChannels = s.Filters;
                parameters = window * depthwise + depthwise * s.Filters + (s.UseBias ? s.Filters : 0);
                multiplyAdds = positions * (window * depthwise + depthwise * s.Filters);
                break;
            }
            default: // pooling
                outChannels = channels;
                parameters = 0;
                multiplyAdds = 0;
                break;
        }
        }

        int[] output = oneD ? new[] { outH, outChannels } : new[] { outH, outW, outChannels };
        return Result(c, output, parameters, parameters, multiplyAdds) with
        {
            PadTop = WindowArithmetic.PadBefore(inH, kh, sh, dh, s.Padding),
            PadLeft = oneD ? 0 : WindowArithmetic.PadBefore(inW, kw, sw, dw, s.Padding),
        };
    }

    private static void ReportTooSmall(LayerContext c, int inH, int kh, int sh, int dh, int outH,
        int inW, int kw, int sw, int dw, int outW, bool oneD)
    {
        var s = c.Spec;
        string window = LayerKindFacts.IsPooling(s.Kind) ? "pool" : "kernel";
        var parts = new List<string>();
        if (outH <= 0) parts.Add(AxisTooSmall(oneD ? "steps" : "rows", inH, kh, sh, dh));
        if (!oneD && outW <= 0) parts.Add(AxisTooSmall("columns", inW, kw, sw, dw));
        c.Report(IssueIds.NonPositiveSize,
            $"{c.Title}: the output would be empty. {string.Join("; ", parts)} of {Shapes.Describe(c.Input)} from {c.Producer}. " +
            $"Use Padding.Same, a smaller {window}, or fewer downsampling layers before it.",
            new IssueProperty(FixKeys.PaddingSame, "true"));
    }

    private static string AxisTooSmall(string axis, int n, int k, int s, int d)
    {
        int span = WindowArithmetic.EffectiveKernel(k, d);
        string spanText = d > 1 ? $"a kernel of {k} dilated by {d} spans {span}" : $"the window is {span}";
        return $"valid padding needs at least {span} {axis} ({spanText}) but there are {n}: {WindowArithmetic.Formula(n, k, s, d)}";
    }

    private static void ReportDroppedCells(LayerContext c, int inH, int kh, int sh, int dh, int inW, int kw, int sw, int dw, bool oneD)
    {
        int dropH = WindowArithmetic.DroppedCells(inH, kh, sh, dh);
        int dropW = oneD ? 0 : WindowArithmetic.DroppedCells(inW, kw, sw, dw);
        if (dropH == 0 && dropW == 0) return;

        string arithmetic;
        bool sameAxes = !oneD && inH == inW && kh == kw && sh == sw && dh == dw;
        if (oneD || sameAxes)
            arithmetic = WindowArithmetic.Formula(inH, kh, sh, dh) + " is not a whole number";
        else
        {
            var parts = new List<string>();
            if (dropH > 0) parts.Add("height " + WindowArithmetic.Formula(inH, kh, sh, dh));
            if (dropW > 0) parts.Add("width " + WindowArithmetic.Formula(inW, kw, sw, dw));
            arithmetic = string.Join(" and ", parts) + (parts.Count == 1 ? " is not a whole number" : " are not whole numbers");
        }

        string lost;
        if (oneD) lost = Cells(dropH, "step", "steps");
        else if (dropH > 0 && dropW > 0)
            lost = dropH == dropW && dropH == 1 ? "the last row and column" : $"{Cells(dropH, "row", "rows")} and {Cells(dropW, "column", "columns")}";
        else if (dropH > 0) lost = Cells(dropH, "row", "rows");
        else lost = Cells(dropW, "column", "columns");
        bool plural = lost is not ("the last row" or "the last column" or "the last step");

        var s = c.Spec;
        string window = LayerKindFacts.IsPooling(s.Kind) ? "pool/stride" : "kernel/stride";
        var properties = new List<IssueProperty> { new(FixKeys.PaddingSame, "true") };
        string padding;
        if (oneD)
        {
            padding = "pad the sequence";
        }
        else
        {
            // The cells that make (n - k') a multiple of the stride, split as 'same' padding splits them (extra after).
            int padH = WindowArithmetic.PaddingToWhole(inH, kh, sh, dh), padW = WindowArithmetic.PaddingToWhole(inW, kw, sw, dw);
            int[] sides = { padH / 2, padH - padH / 2, padW / 2, padW - padW / 2 };
            if (c.Sequential) properties.Add(new IssueProperty(FixKeys.ZeroPadding, FixKeys.Ints(sides)));
            padding = $"insert [ZeroPadding2D({string.Join(", ", sides)})] before it";
        }

        // A stride that divides (n - k') on every axis, when one stride governs them all.
        string strides = "";
        if (oneD || sh == sw)
        {
            var (below, above) = oneD
                ? WindowArithmetic.WholeStrides(sh, (inH, kh, dh))
                : WindowArithmetic.WholeStrides(sh, (inH, kh, dh), (inW, kw, dw));
            if (below > 0) properties.Add(new IssueProperty(FixKeys.SmallerStride, FixKeys.Ints(new[] { below })));
            if (above > 0) properties.Add(new IssueProperty(FixKeys.LargerStride, FixKeys.Ints(new[] { above })));
            var candidates = new[] { below, above }.Where(t => t > 0).ToArray();
            if (candidates.Length > 0) strides = $" (stride {string.Join(" or ", candidates)} reads every cell)";
        }

        c.Report(IssueIds.DroppedRowsOrColumns,
            $"{c.Title}: {arithmetic}; {lost} of the {Shapes.Dims(c.Input)} input {(plural ? "are" : "is")} never read. " +
            $"Use Padding.Same, {padding}, or change the {window}{strides}.",
            properties.ToArray());
    }

    /// <summary>SG0011: 'same' padding with an odd total on an axis, which TensorFlow splits with the extra cell after.</summary>
    private static void ReportUnevenSame(LayerContext c, int inH, int kh, int sh, int dh, int inW, int kw, int sw, int dw, bool oneD)
    {
        bool unevenH = WindowArithmetic.IsUnevenSame(inH, kh, sh, dh);
        bool unevenW = !oneD && WindowArithmetic.IsUnevenSame(inW, kw, sw, dw);
        if (!unevenH && !unevenW) return;

        int totalH = WindowArithmetic.TotalSamePadding(inH, kh, sh, dh), totalW = oneD ? 0 : WindowArithmetic.TotalSamePadding(inW, kw, sw, dw);
        static string Split(int total, string one, string many, string before, string after)
            => $"{total} {(total == 1 ? one : many)} ({total / 2} {before}, {total - total / 2} {after})";
        string split = oneD
            ? Split(totalH, "step", "steps", "before", "after")
            : $"{Split(totalH, "row", "rows", "above", "below")} and {Split(totalW, "column", "columns", "left", "right")}";
        int[] explicitPadding = { totalH / 2, totalH - totalH / 2, totalW / 2, totalW - totalW / 2 };
        bool pooling = LayerKindFacts.IsPooling(c.Spec.Kind);
        bool stride1 = sh == 1 && (oneD || sw == 1);
        string pytorch = pooling
            ? "PyTorch's pooling layers have no 'same' and pad symmetrically, so they cannot express it"
            : stride1
                ? "PyTorch's padding='same' matches it (stride 1), but a symmetric padding=int cannot"
                : "PyTorch's padding='same' does not allow a stride above 1 and its padding=int is symmetric, so it cannot express it";
        string explicitText = oneD
            ? $"F.pad(x, ({explicitPadding[0]}, {explicitPadding[1]}))"
            : $"nn.ZeroPad2d(({explicitPadding[2]}, {explicitPadding[3]}, {explicitPadding[0]}, {explicitPadding[1]}))";
        c.Report(IssueIds.UnevenSamePadding,
            $"{c.Title}: 'same' padding of the {Shapes.Dims(c.Input)} input adds {split}: uneven, TensorFlow/Keras put the extra " +
            $"cell at the {(oneD ? "end" : "bottom/right")}. {pytorch}; when porting weights between " +
            $"frameworks, pad explicitly ({explicitText} then padding 0) or choose sizes that split evenly.");
    }

    private static string Cells(int count, string one, string many) => count == 1 ? $"the last {one}" : $"the last {count} {many}";

    private static LayerResult? Transpose(LayerContext c)
    {
        if (!RequireRank(c, 3)) return null;
        var s = c.Spec;
        int channels = c.Input[2];
        int outH = WindowArithmetic.TransposeOutputLength(c.Input[0], s.KernelHeight, s.StrideHeight, s.Padding);
        int outW = WindowArithmetic.TransposeOutputLength(c.Input[1], s.KernelWidth, s.StrideWidth, s.Padding);
        long window = (long)s.KernelHeight * s.KernelWidth;
        long parameters = checked(window * s.Filters * channels + (s.UseBias ? s.Filters : 0));
        // Every input pixel scatters its kernel-sized patch into every output channel.
        long multiplyAdds = checked((long)c.Input[0] * c.Input[1] * window * channels * s.Filters);
        return Result(c, new[] { outH, outW, s.Filters }, parameters, parameters, multiplyAdds) with
        {
            PadTop = WindowArithmetic.TransposeCropBefore(s.KernelHeight, s.StrideHeight, s.Padding),
            PadLeft = WindowArithmetic.TransposeCropBefore(s.KernelWidth, s.StrideWidth, s.Padding),
        };
    }

    private static LayerResult? Cropping(LayerContext c)
    {
        if (!RequireRank(c, 3)) return null;
        var s = c.Spec;
        // long: a huge crop must read as "leaves nothing", not wrap around to a positive size.
        long outH = (long)c.Input[0] - s.Top - s.Bottom, outW = (long)c.Input[1] - s.Left - s.Right;
        if (outH <= 0 || outW <= 0)
        {
            var parts = new List<string>();
            if (outH <= 0) parts.Add($"{c.Input[0]} - {s.Top} - {s.Bottom} = {outH} rows");
            if (outW <= 0) parts.Add($"{c.Input[1]} - {s.Left} - {s.Right} = {outW} columns");
            c.Report(IssueIds.NonPositiveSize,
                $"{c.Title}: cropping {Shapes.Dims(c.Input)} from {c.Producer} leaves nothing: {string.Join(", ", parts)}. Crop less.");
            return null;
        }
        return Result(c, new[] { (int)outH, (int)outW, c.Input[2] }, 0, 0, 0) with { PadTop = -s.Top, PadLeft = -s.Left };
    }

    private static LayerResult? Reshape(LayerContext c)
    {
        var target = c.Spec.Shape.ToArray();
        long inElements = Shapes.Product(c.Input);
        int inferred = Array.IndexOf(target, -1);
        if (inferred >= 0)
        {
            long known = Shapes.Product(target.Where(d => d != -1));
            if (known == 0 || inElements % known != 0)
            {
                c.Report(IssueIds.InvalidArgument,
                    $"{c.Title}: cannot infer the -1 in {Shapes.List(target)}: {inElements} elements from {c.Producer} ({Shapes.Dims(c.Input)}) do not divide by {known}.");
                return null;
            }
            target[inferred] = checked((int)(inElements / known));
        }
        long outElements = Shapes.Product(target);
        if (outElements != inElements)
        {
            c.Report(IssueIds.InvalidArgument,
                $"{c.Title}: {Shapes.List(target)} holds {outElements:N0} elements but the input {Shapes.Dims(c.Input)} from {c.Producer} has {inElements:N0}. " +
                $"A reshape keeps every element: the product of the new dimensions must be {inElements:N0} (use -1 for one dimension to infer it).");
            return null;
        }
        return Result(c, target, 0, 0, 0);
    }

    private static LayerResult Dense(LayerContext c)
    {
        var s = c.Spec;
        int features = c.Input[c.Input.Length - 1];
        long positions = Shapes.Product(c.Input) / features;
        var output = c.Input.ToArray();
        output[output.Length - 1] = s.Units;
        long parameters = checked((long)features * s.Units + (s.UseBias ? s.Units : 0));
        if (c.Input.Length >= 3 && !c.RankReducedLater)
        {
            var properties = new List<IssueProperty>();
            if (c.Sequential) properties.Add(new IssueProperty(FixKeys.InsertFlatten, "true"));
            if (c.Sequential && c.Input.Length == 3) properties.Add(new IssueProperty(FixKeys.InsertGlobalPooling, "true"));
            c.Report(IssueIds.DenseOnFeatureMap,
                $"{c.Title} receives {Shapes.Describe(c.Input)} from {c.Producer} and, as in Keras, acts on its last axis only: " +
                $"the same {features}→{s.Units} weights at each of the {SummaryFormatter.Count(positions)} positions, output {Shapes.Dims(output)}. " +
                $"Missing a Flatten? Insert [Flatten] (or [GlobalAveragePooling2D]) before it to classify the whole input.",
                properties.ToArray());
        }
        return Result(c, output, parameters, parameters, checked(positions * features * s.Units));
    }
}
