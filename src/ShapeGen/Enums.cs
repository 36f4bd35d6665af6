namespace ShapeGen;

/// <summary>How a convolution or pooling window treats the borders of its input (Keras <c>padding</c>).</summary>
public enum Padding
{
    /// <summary>No padding: the window stays inside the input. Output <c>floor((n - k') / s) + 1</c>.</summary>
    Valid,

    /// <summary>Zero padding so the output is <c>ceil(n / s)</c>; as in TensorFlow, an odd extra row/column goes at the bottom/right.</summary>
    Same,

    /// <summary>Conv1D only: pads <c>(k - 1) * d</c> before the sequence so no output sees the future.</summary>
    Causal,
}

/// <summary>Activation functions, with Keras semantics.</summary>
public enum Activation
{
    /// <summary>Identity.</summary>
    Linear,
    /// <summary><c>max(x, 0)</c>.</summary>
    Relu,
    /// <summary><c>min(max(x, 0), 6)</c>.</summary>
    Relu6,
    /// <summary><c>1 / (1 + exp(-x))</c>.</summary>
    Sigmoid,
    /// <summary>Hyperbolic tangent.</summary>
    Tanh,
    /// <summary>Softmax over the last axis.</summary>
    Softmax,
    /// <summary><c>x</c> for x &gt; 0, <c>exp(x) - 1</c> otherwise.</summary>
    Elu,
    /// <summary>Scaled ELU with Keras's constants (alpha 1.6732632, scale 1.0507010).</summary>
    Selu,
    /// <summary><c>log(1 + exp(x))</c>.</summary>
    Softplus,
    /// <summary>As in TF.js and Keras 2: <c>clip(0.2x + 0.5, 0, 1)</c>.</summary>
    HardSigmoid,
    /// <summary><c>x * sigmoid(x)</c>.</summary>
    Swish,
}
