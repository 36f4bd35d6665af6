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

    public string TypeName => Spec.Kind.ToString();

    public long OutputElements => Shapes.Product(OutputShape);

    public long InputElements => Shapes.Product(InputShape);
}
