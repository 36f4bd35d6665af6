namespace ShapeGen;

/// <summary>
/// Adds the outputs of the named layers elementwise (all must have the same shape), as Keras <c>Add</c>: the
/// residual connection of a ResNet block, <c>[Add("block_out", "shortcut")]</c>.
/// </summary>
public sealed class AddAttribute : LayerAttribute
{
    /// <summary>Adds two or more layer outputs.</summary>
    public AddAttribute(params string[] inputs) => Inputs = inputs;

    /// <summary>The names of the layers to add.</summary>
    public string[] Inputs { get; }
}

/// <summary>
/// Joins the outputs of the named layers along the channel (last) axis, as Keras <c>Concatenate</c>: the skip
/// connection of a U-Net, <c>[Concatenate("crop", "up")]</c>. All other dimensions must agree.
/// </summary>
public sealed class ConcatenateAttribute : LayerAttribute
{
    /// <summary>Concatenates two or more layer outputs on the last axis.</summary>
    public ConcatenateAttribute(params string[] inputs) => Inputs = inputs;

    /// <summary>The names of the layers to concatenate, in order.</summary>
    public string[] Inputs { get; }
}
