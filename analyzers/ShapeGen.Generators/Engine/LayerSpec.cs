using ShapeGen.Generators.Common;

namespace ShapeGen.Generators.Engine;

/// <summary>
/// One attribute as declared, with Keras defaults resolved (strides default to the pool size, and so on).
/// A plain equatable value: no Roslyn types, so it can flow through the incremental pipeline and be cached.
/// 1D layers use the <c>*Height</c> fields for their only spatial axis.
/// </summary>
internal sealed record LayerSpec(LayerKind Kind)
{
    /// <summary>The explicit <c>Name</c>, or null for the Keras default.</summary>
    public string? Name { get; init; }

    /// <summary>The explicit input (<c>From</c>): a layer name, or the input's name. Null means the previous layer.</summary>
    public string? From { get; init; }

    /// <summary>Add/Concatenate: the names of the merged layers.</summary>
    public EquatableArray<string> Inputs { get; init; } = EquatableArray<string>.Empty;

    public int Filters { get; init; }
    public int Units { get; init; }

    /// <summary>Kernel or pool window.</summary>
    public int KernelHeight { get; init; } = 1;
    public int KernelWidth { get; init; } = 1;
    public int StrideHeight { get; init; } = 1;
    public int StrideWidth { get; init; } = 1;
    public int DilationHeight { get; init; } = 1;
    public int DilationWidth { get; init; } = 1;
    public PaddingMode Padding { get; init; }
    public ActivationKind Activation { get; init; }
    public bool UseBias { get; init; } = true;
    public int DepthMultiplier { get; init; } = 1;

    /// <summary>ZeroPadding2D / Cropping2D amounts.</summary>
    public int Top { get; init; }
    public int Bottom { get; init; }
    public int Left { get; init; }
    public int Right { get; init; }

    /// <summary>UpSampling2D factors.</summary>
    public int SizeHeight { get; init; } = 1;
    public int SizeWidth { get; init; } = 1;

    public double Rate { get; init; }
    public double Epsilon { get; init; } = 0.001;

    /// <summary>Input, Reshape and ExpectShape shapes.</summary>
    public EquatableArray<int> Shape { get; init; } = EquatableArray<int>.Empty;

    /// <summary>Arguments the reader could not understand (wrong type, unknown enum value), described for SG0004.</summary>
    public EquatableArray<string> ArgumentProblems { get; init; } = EquatableArray<string>.Empty;
}
