using System;

namespace ShapeGen;

/// <summary>
/// Base of every ShapeGen layer attribute. Layer attributes are stacked on a <c>partial</c> class or struct in
/// declaration order, the first being <see cref="InputAttribute"/>; the ShapeGen generator reads them at compile time.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = true, Inherited = false)]
public abstract class LayerAttribute : Attribute
{
    /// <summary>The layer's name. Defaults to the Keras 3 name: snake_case of the type with a per-type counter (<c>conv2d</c>, <c>conv2d_1</c>).</summary>
    public string? Name { get; set; }

    /// <summary>
    /// The name of the layer whose output this layer takes (or the input's name, <c>"input"</c> by default). Leave it
    /// out to take the previous layer's output, as in a plain stack. Only layers declared above may be named, so a
    /// network can never contain a cycle.
    /// </summary>
    public string? From { get; set; }
}

/// <summary>Base of layers that take an optional activation and bias.</summary>
public abstract class ActivatedLayerAttribute : LayerAttribute
{
    /// <summary>The activation applied to the output (default <see cref="ShapeGen.Activation.Linear"/>).</summary>
    public Activation Activation { get; set; } = Activation.Linear;

    /// <summary>Whether the layer adds a bias (default <see langword="true"/>).</summary>
    public bool UseBias { get; set; } = true;
}

/// <summary>Base of two-dimensional windowed layers: strides per axis default to <see cref="Stride"/>.</summary>
public abstract class Strided2DLayerAttribute : ActivatedLayerAttribute
{
    /// <summary>The stride on both axes (default 1).</summary>
    public int Stride { get; set; } = 1;

    /// <summary>The vertical stride; 0 (the default) means <see cref="Stride"/>.</summary>
    public int StrideHeight { get; set; }

    /// <summary>The horizontal stride; 0 (the default) means <see cref="Stride"/>.</summary>
    public int StrideWidth { get; set; }
}
