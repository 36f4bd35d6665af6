using Microsoft.CodeAnalysis;
using ShapeGen.Generators.Common;
using ShapeGen.Generators.Engine;

namespace ShapeGen.Generators.Parsing;

/// <summary>Turns one ShapeGen attribute into a <see cref="LayerSpec"/>, resolving Keras's defaults.</summary>
internal static class LayerSpecReader
{
    public static LayerSpec Read(LayerKind kind, AttributeData data)
    {
        var a = new AttributeArguments(data);
        var spec = new LayerSpec(kind) { Name = a.String("Name"), From = a.String("From") };
        spec = kind switch
        {
            LayerKind.Input or LayerKind.ExpectShape or LayerKind.Reshape => spec with { Shape = a.IntArray("shape").ToEquatableArray() },
            LayerKind.Conv1D => Windowed1D(spec, a, a.Int("kernelSize", 1), a.Int("Stride", 1)) with
            {
                Filters = a.Int("filters", 0),
                DilationHeight = a.Int("DilationRate", 1),
            },
            LayerKind.Conv2D => Windowed2D(spec, a, 1) with
            {
                Filters = a.Int("filters", 0),
                DilationHeight = OrDefault(a.Int("DilationHeight", 0), a.Int("DilationRate", 1)),
                DilationWidth = OrDefault(a.Int("DilationWidth", 0), a.Int("DilationRate", 1)),
            },
            LayerKind.Conv2DTranspose or LayerKind.SeparableConv2D => Windowed2D(spec, a, 1) with
            {
                Filters = a.Int("filters", 0),
                DepthMultiplier = a.Int("DepthMultiplier", 1),
            },
            LayerKind.DepthwiseConv2D => Windowed2D(spec, a, 1) with { DepthMultiplier = a.Int("DepthMultiplier", 1) },
            LayerKind.MaxPooling1D or LayerKind.AveragePooling1D => Pooling1D(spec, a),
            LayerKind.MaxPooling2D or LayerKind.AveragePooling2D => Pooling2D(spec, a),
            LayerKind.ZeroPadding2D => Sides(spec, a, "padding"),
            LayerKind.Cropping2D => Sides(spec, a, "cropping"),
            LayerKind.UpSampling2D => a.Has("height")
                ? spec with { SizeHeight = a.Int("height", 2), SizeWidth = a.Int("width", 2) }
                : spec with { SizeHeight = a.Int("size", 2), SizeWidth = a.Int("size", 2) },
            LayerKind.Dense => spec with { Units = a.Int("units", 0) },
            LayerKind.Dropout => spec with { Rate = a.Double("rate", 0) },
            LayerKind.BatchNormalization => spec with { Epsilon = a.Double("Epsilon", 0.001) },
            LayerKind.Add or LayerKind.Concatenate => spec with { Inputs = a.StringArray("inputs").ToEquatableArray() },
            LayerKind.Activation => spec with { Activation = a.Enum("activation", ActivationKind.Linear, "Activation") },
            _ => spec,
        };

        if (kind is LayerKind.Conv1D or LayerKind.Conv2D or LayerKind.Conv2DTranspose or LayerKind.DepthwiseConv2D
            or LayerKind.SeparableConv2D or LayerKind.Dense)
        {
            spec = spec with
            {
                Activation = a.Enum("Activation", ActivationKind.Linear, "Activation"),
                UseBias = a.Bool("UseBias", true),
            };
        }

        return a.Problems.Count == 0 ? spec : spec with { ArgumentProblems = a.Problems.ToEquatableArray() };
    }

    private static LayerSpec Windowed1D(LayerSpec spec, AttributeArguments a, int kernel, int stride)
        => spec with
        {
            KernelHeight = kernel,
            StrideHeight = stride,
            Padding = a.Enum("padding", PaddingMode.Valid, "Padding"),
        };

    private static LayerSpec Windowed2D(LayerSpec spec, AttributeArguments a, int defaultStride)
    {
        int kh = a.Has("kernelHeight") ? a.Int("kernelHeight", 1) : a.Int("kernelSize", 1);
        int kw = a.Has("kernelWidth") ? a.Int("kernelWidth", 1) : a.Int("kernelSize", 1);
        int stride = a.Int("Stride", defaultStride);
        return spec with
        {
            KernelHeight = kh,
            KernelWidth = kw,
            StrideHeight = OrDefault(a.Int("StrideHeight", 0), stride),
            StrideWidth = OrDefault(a.Int("StrideWidth", 0), stride),
            Padding = a.Enum("padding", PaddingMode.Valid, "Padding"),
        };
    }

    private static LayerSpec Pooling1D(LayerSpec spec, AttributeArguments a)
    {
        int pool = a.Int("poolSize", 2);
        return Windowed1D(spec, a, pool, OrDefault(a.Int("Stride", 0), pool));
    }

    private static LayerSpec Pooling2D(LayerSpec spec, AttributeArguments a)
    {
        int ph = a.Has("poolHeight") ? a.Int("poolHeight", 2) : a.Int("poolSize", 2);
        int pw = a.Has("poolWidth") ? a.Int("poolWidth", 2) : a.Int("poolSize", 2);
        int stride = a.Int("Stride", 0);
        return spec with
        {
            KernelHeight = ph,
            KernelWidth = pw,
            StrideHeight = OrDefault(a.Int("StrideHeight", 0), OrDefault(stride, ph)),
            StrideWidth = OrDefault(a.Int("StrideWidth", 0), OrDefault(stride, pw)),
            Padding = a.Enum("padding", PaddingMode.Valid, "Padding"),
        };
    }

    /// <summary>ZeroPadding2D/Cropping2D: (all), (height, width) or (top, bottom, left, right).</summary>
    private static LayerSpec Sides(LayerSpec spec, AttributeArguments a, string single)
    {
        if (a.Has("top"))
            return spec with { Top = a.Int("top", 0), Bottom = a.Int("bottom", 0), Left = a.Int("left", 0), Right = a.Int("right", 0) };
        if (a.Has("height"))
        {
            int h = a.Int("height", 0), w = a.Int("width", 0);
            return spec with { Top = h, Bottom = h, Left = w, Right = w };
        }
        int all = a.Int(single, 0);
        return spec with { Top = all, Bottom = all, Left = all, Right = all };
    }

    /// <summary>0 means "not given" for the optional stride properties.</summary>
    private static int OrDefault(int value, int fallback) => value == 0 ? fallback : value;
}
