// Shared source (runtime and analyzer): see TensorModel.cs.
using System.Collections.Generic;

namespace ShapeGen.WeightFiles;

/// <summary>Says in words why a file's tensor does not fit: which axis differs, and what that axis means for the layer.</summary>
internal static class ShapeHints
{
    /// <summary>
    /// A short explanation for <paramref name="found"/> (in Keras layout) against the expected tensor, e.g.
    /// "the file expects 3 input channels, the layer receives 1"; empty when there is nothing more to say.
    /// </summary>
    public static string Explain(ExpectedTensor expected, IReadOnlyList<long> found)
    {
        var shape = expected.Shape;
        if (found.Count != shape.Length)
        {
            return $"the file's tensor has {found.Count} axes, the network's {shape.Length}";
        }

        var parts = new List<string>();
        switch (expected.LayerType)
        {
            case "Conv1D":
            case "Conv2D":
            case "Conv2DTranspose":
            case "DepthwiseConv2D":
            case "SeparableConv2D":
                if (expected.Variable == "bias")
                {
                    parts.Add($"the file has {N(found[0], "bias", "biases")}, the layer has {N(shape[0], "output channel", "output channels")}");
                    break;
                }
                ExplainKernel(expected, found, parts);
                break;
            case "Dense":
                if (expected.Variable == "bias")
                {
                    parts.Add($"the file has {N(found[0], "bias", "biases")}, the layer {N(shape[0], "unit", "units")}");
                    break;
                }
                if (found[0] != shape[0])
                {
                    string from = expected.FlattenedFrom != null ? $" (flattened from {string.Join("×", expected.FlattenedFrom)})" : "";
                    parts.Add($"the file expects {N(found[0], "input feature", "input features")}, the layer receives {shape[0]}{from}");
                }
                if (found[1] != shape[1]) parts.Add($"the file has {N(found[1], "unit", "units")}, the layer declares {shape[1]}");
                break;
            case "BatchNormalization":
                parts.Add($"the file normalizes {N(found[0], "channel", "channels")}, the layer receives {shape[0]}");
                break;
        }
        return string.Join("; ", parts);
    }

    private static void ExplainKernel(ExpectedTensor expected, IReadOnlyList<long> found, List<string> parts)
    {
        var shape = expected.Shape;
        int rank = shape.Length;
        int spatial = rank - 2;
        bool kernelDiffers = false;
        for (int i = 0; i < spatial; i++) kernelDiffers |= found[i] != shape[i];
        if (kernelDiffers)
        {
            parts.Add($"the file's kernel is {Window(found, spatial)}, the layer's {Window(shape, spatial)}");
        }

        long foundIn = found[rank - 2], foundOut = found[rank - 1];
        int needIn = shape[rank - 2], needOut = shape[rank - 1];
        switch (expected.LayerType)
        {
            case "Conv2DTranspose": // [kh, kw, filters, in]
                if (foundOut != needOut) parts.Add($"the file expects {N(foundOut, "input channel", "input channels")}, the layer receives {needOut}");
                if (foundIn != needIn) parts.Add($"the file has {N(foundIn, "filter", "filters")}, the layer declares {needIn}");
                break;
            case "DepthwiseConv2D": // [kh, kw, in, multiplier]
            case "SeparableConv2D" when expected.Variable == "depthwise_kernel":
                if (foundIn != needIn) parts.Add($"the file expects {N(foundIn, "input channel", "input channels")}, the layer receives {needIn}");
                if (foundOut != needOut) parts.Add($"the file's depth multiplier is {foundOut}, the layer's {needOut}");
                break;
            case "SeparableConv2D": // pointwise [1, 1, in·multiplier, filters]
                if (foundIn != needIn) parts.Add($"the file's pointwise kernel takes {N(foundIn, "channel", "channels")}, the layer's depthwise step gives {needIn}");
                if (foundOut != needOut) parts.Add($"the file has {N(foundOut, "filter", "filters")}, the layer declares {needOut}");
                break;
            default: // Conv1D/Conv2D [k..., in, filters]
                if (foundIn != needIn) parts.Add($"the file expects {N(foundIn, "input channel", "input channels")}, the layer receives {needIn}");
                if (foundOut != needOut) parts.Add($"the file has {N(foundOut, "filter", "filters")}, the layer declares {needOut}");
                break;
        }
    }

    private static string N(long count, string one, string many) => count == 1 ? "1 " + one : count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + many;

    private static string Window(IReadOnlyList<long> shape, int spatial)
    {
        var dims = new string[spatial];
        for (int i = 0; i < spatial; i++) dims[i] = shape[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        return string.Join("×", dims);
    }

    private static string Window(int[] shape, int spatial)
    {
        var dims = new string[spatial];
        for (int i = 0; i < spatial; i++) dims[i] = shape[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        return string.Join("×", dims);
    }

    /// <summary>"conv2d/kernel: the network needs [3, 3, 1, 16], the file has [3, 3, 3, 16] — the file expects 3 input channels, ..."</summary>
    public static string Mismatch(ExpectedTensor expected, string fileTensor, IReadOnlyList<long> foundInFileLayout,
        IReadOnlyList<long> foundInKerasLayout, int[]? expectedInFileLayout, string? layoutNote)
    {
        string needs = WeightText.Shape(expectedInFileLayout ?? expected.Shape);
        string what = fileTensor == expected.Name ? expected.Name : $"{expected.Name} (file tensor '{fileTensor}')";
        string message = $"{what}: the network needs {needs}{layoutNote}, the file has {WeightText.Shape(foundInFileLayout)}";
        string hint = Explain(expected, foundInKerasLayout);
        return hint.Length > 0 ? message + " — " + hint + "." : message + ".";
    }
}
