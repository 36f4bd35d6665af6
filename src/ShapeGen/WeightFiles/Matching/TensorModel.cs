// Shared source: compiled into the runtime library (net8.0) and into the analyzer (netstandard2.0), so the
// compile-time [Weights] check and the run-time loaders match files the same way and say the same things.
// Keep it to APIs that netstandard2.0 has.
using System;
using System.Collections.Generic;
using System.Text;

namespace ShapeGen.WeightFiles;

/// <summary>A tensor the network needs, in Keras <c>get_weights()</c> order.</summary>
internal sealed class ExpectedTensor
{
    public ExpectedTensor(string layer, string layerType, string variable, int[] shape, long offset,
        string storagePath, int variableIndex, int[]? flattenedFrom)
    {
        Layer = layer;
        LayerType = layerType;
        Variable = variable;
        Shape = shape;
        Offset = offset;
        StoragePath = storagePath;
        VariableIndex = variableIndex;
        FlattenedFrom = flattenedFrom;
        long count = 1;
        foreach (int d in shape) count *= d;
        Count = count;
    }

    /// <summary>The Keras layer name, e.g. <c>conv2d_1</c>.</summary>
    public string Layer { get; }

    /// <summary>The attribute name without the suffix, e.g. <c>Conv2D</c>.</summary>
    public string LayerType { get; }

    /// <summary><c>kernel</c>, <c>bias</c>, <c>gamma</c>, <c>depthwise_kernel</c>, ...</summary>
    public string Variable { get; }

    public int[] Shape { get; }

    /// <summary>Where the tensor starts in the flat parameter array.</summary>
    public long Offset { get; }

    public long Count { get; }

    /// <summary>Keras 3's saving library stores the layer under this group (<c>layers/conv2d</c>), by class, not by name.</summary>
    public string StoragePath { get; }

    /// <summary>The tensor's index among its layer's variables (<c>vars/0</c>, <c>vars/1</c>, ...).</summary>
    public int VariableIndex { get; }

    /// <summary>
    /// For a Dense kernel (or BatchNormalization vector) right after a Flatten: the shape that was flattened, channels
    /// last (<c>[h, w, c]</c> or <c>[steps, c]</c>). PyTorch flattens channels first, so its order differs.
    /// </summary>
    public int[]? FlattenedFrom { get; }

    public string Name => Layer + "/" + Variable;
}

/// <summary>A tensor as a weight file describes it; the data stays in the file until the plan says where it goes.</summary>
internal sealed class FoundTensor
{
    public FoundTensor(string name, string dtype, long[] shape, object? locator = null, bool ignorable = false)
    {
        Name = name;
        DType = dtype;
        Shape = shape;
        Locator = locator;
        Ignorable = ignorable;
    }

    /// <summary>The name as stored: <c>conv2d/kernel</c>, <c>c1.weight</c>, <c>layers/conv2d/vars/0</c>, <c>arr_0</c>.</summary>
    public string Name { get; }

    /// <summary>NumPy's spelling: <c>float32</c>, <c>float16</c>, <c>bfloat16</c>, <c>float64</c>, <c>int64</c>, ...</summary>
    public string DType { get; }

    public long[] Shape { get; }

    /// <summary>Where the reader finds the data (reader-specific).</summary>
    public object? Locator { get; }

    /// <summary>State that is not a weight (optimizer variables in a .weights.h5, num_batches_tracked): never "extra".</summary>
    public bool Ignorable { get; }

    public long Count
    {
        get
        {
            long count = 1;
            foreach (long d in Shape) count = checked(count * d);
            return count;
        }
    }
}

/// <summary>One expected tensor filled from one file tensor.</summary>
internal sealed class TensorAssignment
{
    public TensorAssignment(ExpectedTensor expected, FoundTensor found, int[]? sourceShape, int[]? permutation)
    {
        Expected = expected;
        Found = found;
        SourceShape = sourceShape;
        Permutation = permutation;
    }

    public ExpectedTensor Expected { get; }
    public FoundTensor Found { get; }

    /// <summary>
    /// How the file's data becomes Keras's layout: view it as <see cref="SourceShape"/> (same element count), then
    /// move axes so that destination axis i is source axis <c>Permutation[i]</c>. Both null: copy as is.
    /// </summary>
    public int[]? SourceShape { get; }

    public int[]? Permutation { get; }
}

/// <summary>Something about the file that does not fit the network.</summary>
internal sealed class WeightProblem
{
    public WeightProblem(string? layer, string? tensor, string message)
    {
        Layer = layer;
        Tensor = tensor;
        Message = message;
    }

    /// <summary>The network layer it concerns (null: the file as a whole, e.g. an extra tensor).</summary>
    public string? Layer { get; }

    /// <summary>The tensor it concerns, as the file or the network names it.</summary>
    public string? Tensor { get; }

    public string Message { get; }

    public override string ToString() => Message;
}

/// <summary>Where each expected tensor comes from, or why it cannot.</summary>
internal sealed class WeightPlan
{
    public List<TensorAssignment> Assignments { get; } = new();
    public List<WeightProblem> Problems { get; } = new();
    public bool IsValid => Problems.Count == 0;
}

internal static class WeightText
{
    public static string Shape(IReadOnlyList<int> shape)
    {
        var b = new StringBuilder("[");
        for (int i = 0; i < shape.Count; i++)
        {
            if (i > 0) b.Append(", ");
            b.Append(shape[i]);
        }
        return b.Append(']').ToString();
    }

    public static string Shape(IReadOnlyList<long> shape)
    {
        var b = new StringBuilder("[");
        for (int i = 0; i < shape.Count; i++)
        {
            if (i > 0) b.Append(", ");
            b.Append(shape[i]);
        }
        return b.Append(']').ToString();
    }

    /// <summary>At most <paramref name="max"/> names, quoted, then "and N more".</summary>
    public static string Names(IReadOnlyList<string> names, int max = 8)
    {
        var b = new StringBuilder();
        for (int i = 0; i < names.Count && i < max; i++)
        {
            if (i > 0) b.Append(", ");
            b.Append('\'').Append(names[i]).Append('\'');
        }
        if (names.Count > max) b.Append(", and ").Append(names.Count - max).Append(" more");
        return b.ToString();
    }

    public static bool SameShape(IReadOnlyList<int> expected, IReadOnlyList<long> found)
    {
        if (expected.Count != found.Count) return false;
        for (int i = 0; i < expected.Count; i++)
        {
            if (expected[i] != found[i]) return false;
        }
        return true;
    }
}

/// <summary>The element types ShapeGen reads: float32 as is; float16, bfloat16 and float64 converted to float32.</summary>
internal static class WeightDTypes
{
    public const string Float32 = "float32";
    public const string Float16 = "float16";
    public const string BFloat16 = "bfloat16";
    public const string Float64 = "float64";

    public const string Accepted = "float32 (float16, bfloat16 and float64 are converted to float32)";

    public static bool IsReadable(string dtype) => dtype == Float32 || dtype == Float16 || dtype == BFloat16 || dtype == Float64;

    /// <summary>Bytes per element of a readable dtype.</summary>
    public static int Size(string dtype) => dtype switch
    {
        Float64 => 8,
        Float32 => 4,
        _ => 2,
    };
}

/// <summary>Orders names as a person would: <c>layer2</c> before <c>layer10</c>, <c>features.3</c> before <c>features.10</c>.</summary>
internal sealed class NaturalOrder : IComparer<string>
{
    public static readonly NaturalOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x == null) return -1;
        if (y == null) return 1;
        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsDigit(x[i]) && char.IsDigit(y[j]))
            {
                int si = i, sj = j;
                while (i < x.Length && char.IsDigit(x[i])) i++;
                while (j < y.Length && char.IsDigit(y[j])) j++;
                string a = x.Substring(si, i - si).TrimStart('0'), b = y.Substring(sj, j - sj).TrimStart('0');
                if (a.Length != b.Length) return a.Length.CompareTo(b.Length);
                int c = string.CompareOrdinal(a, b);
                if (c != 0) return c;
            }
            else
            {
                int c = x[i].CompareTo(y[j]);
                if (c != 0) return c;
                i++;
                j++;
            }
        }
        int rest = (x.Length - i).CompareTo(y.Length - j);
        return rest != 0 ? rest : string.CompareOrdinal(x, y);
    }
}
