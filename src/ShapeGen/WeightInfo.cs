using System.Collections.Generic;

namespace ShapeGen;

/// <summary>
/// One weight tensor of a generated network, as the constructor takes it: Keras <c>get_weights()</c> order,
/// row-major, starting at <see cref="Offset"/> in the flat parameter array.
/// </summary>
/// <param name="Layer">The Keras layer name, e.g. <c>conv2d_1</c>.</param>
/// <param name="LayerType">The attribute's name without the suffix, e.g. <c>"Conv2D"</c>.</param>
/// <param name="Variable">Keras's variable name: <c>kernel</c>, <c>bias</c>, <c>depthwise_kernel</c>, <c>pointwise_kernel</c>,
/// <c>gamma</c>, <c>beta</c>, <c>moving_mean</c>, <c>moving_variance</c>.</param>
/// <param name="Shape">The Keras shape, e.g. <c>[3, 3, 1, 16]</c> for a Conv2D kernel.</param>
/// <param name="Offset">Where the tensor starts in the parameter array.</param>
public sealed record WeightInfo(string Layer, string LayerType, string Variable, IReadOnlyList<int> Shape, long Offset)
{
    /// <summary>The Keras name, <c>layer/variable</c>: <c>conv2d/kernel</c>.</summary>
    public string Name => Layer + "/" + Variable;

    /// <summary>Elements in the tensor.</summary>
    public long Count
    {
        get
        {
            long n = 1;
            foreach (int d in Shape) n *= d;
            return n;
        }
    }

    /// <summary>
    /// Where Keras 3's saving library puts the layer in a <c>.weights.h5</c> file: <c>layers/</c> and the snake_case
    /// class name with a per-class counter (<c>layers/conv2d_1</c>), whatever the layer's own name.
    /// </summary>
    public string StoragePath { get; init; } = "layers/" + Layer;

    /// <summary>The tensor's index among its layer's variables (the <c>vars/0</c>, <c>vars/1</c> of a <c>.weights.h5</c>).</summary>
    public int VariableIndex { get; init; }

    /// <summary>
    /// For a Dense kernel (or BatchNormalization vector) that follows a Flatten: the shape that was flattened, channels
    /// last (<c>[h, w, c]</c> or <c>[steps, c]</c>). PyTorch flattens channels first; the PyTorch loader reorders by it.
    /// </summary>
    public IReadOnlyList<int>? FlattenedFrom { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} [{string.Join(", ", Shape)}] at {Offset}";
}
