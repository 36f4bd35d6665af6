using ShapeGen.Generators.Common;

namespace ShapeGen.Generators.Engine;

/// <summary>What the engine computed for one layer: shapes, counts, and the resolved padding the forward pass needs.</summary>
internal sealed record LayerResult(
    int AttributeIndex,
    string Name,
    LayerSpec Spec,
    EquatableArray<int> InputShape,
    EquatableArray<int> OutputShape,
    long Parameters,
    long TrainableParameters,
    long MultiplyAdds)
{
    /// <summary>Rows added above the input (negative: cropped), resolved from 'same'/'causal' padding or ZeroPadding2D.</summary>
    public int PadTop { get; init; }
    public int PadLeft { get; init; }

    /// <summary>The names of the tensors this layer reads (a layer name, or the input's name): Keras's "Connected to".</summary>
    public EquatableArray<string> Inbound { get; init; } = EquatableArray<string>.Empty;

    /// <summary>Merges: the shape of every input, in order.</summary>
    public EquatableArray<EquatableArray<int>> InputShapes { get; init; } = EquatableArray<EquatableArray<int>>.Empty;

    public string TypeName => Spec.Kind.ToString();

    public long OutputElements => Shapes.Product(OutputShape);

    public long InputElements => Shapes.Product(InputShape);
}
