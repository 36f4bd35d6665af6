using System;

namespace ShapeGen;

/// <summary>The network's input shape without the batch axis, channels last: <c>[Input(28, 28, 1)]</c>, <c>[Input(50, 4)]</c>, <c>[Input(784)]</c>. Must come first.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = true, Inherited = false)]
public sealed class InputAttribute : Attribute
{
    /// <summary>Declares the input shape.</summary>
    public InputAttribute(params int[] shape) => Shape = shape;

    /// <summary>The input shape without the batch axis.</summary>
    public int[] Shape { get; }

    /// <summary>The name layers use to take the input with <see cref="LayerAttribute.From"/> (default <c>"input"</c>).</summary>
    public string? Name { get; set; }
}

/// <summary>Not a layer: asserts the shape (without batch) at this point of the stack. A mismatch is error SG0001.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = true, Inherited = false)]
public sealed class ExpectShapeAttribute : Attribute
{
    /// <summary>Asserts the shape at this point.</summary>
    public ExpectShapeAttribute(params int[] shape) => Shape = shape;

    /// <summary>The expected shape without the batch axis.</summary>
    public int[] Shape { get; }
}
