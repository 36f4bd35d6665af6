using System.Collections.Generic;

namespace ShapeGen;

/// <summary>One layer of a generated network, as computed at compile time by ShapeGen's shape engine.</summary>
/// <param name="Name">The Keras name: the attribute's <c>Name</c>, or the Keras 3 default such as <c>conv2d_1</c>.</param>
/// <param name="Type">The attribute's name without the suffix, e.g. <c>"Conv2D"</c>.</param>
/// <param name="OutputShape">The output shape without the batch axis.</param>
/// <param name="Parameters">All parameters, as Keras <c>count_params()</c>.</param>
/// <param name="TrainableParameters">Trainable parameters (BatchNormalization's moving statistics are not).</param>
/// <param name="MultiplyAdds">Multiply-accumulate operations for one sample.</param>
public sealed record LayerInfo(
    string Name,
    string Type,
    IReadOnlyList<int> OutputShape,
    long Parameters,
    long TrainableParameters,
    long MultiplyAdds)
{
    /// <summary>The layers (or the input) this layer takes, by name: Keras's "Connected to".</summary>
    public IReadOnlyList<string> Inputs { get; init; } = System.Array.Empty<string>();

    /// <summary>Elements in this layer's output for one sample.</summary>
    public long OutputElements
    {
        get
        {
            long n = 1;
            foreach (int d in OutputShape) n *= d;
            return n;
        }
    }

    /// <summary>Non-trainable parameters.</summary>
    public long NonTrainableParameters => Parameters - TrainableParameters;

    /// <summary>The output shape as Keras prints it, e.g. <c>(None, 26, 26, 32)</c>.</summary>
    public string OutputShapeText => "(None, " + string.Join(", ", OutputShape) + ")";

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Type}) {OutputShapeText} params={Parameters}";
}
