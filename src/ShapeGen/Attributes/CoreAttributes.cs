namespace ShapeGen;

/// <summary>Fully connected layer on the last axis (on a rank-3 input it acts per position, as in Keras). Kernel <c>[in, units]</c>, then bias.</summary>
public sealed class DenseAttribute : ActivatedLayerAttribute
{
    /// <summary>A dense layer.</summary>
    public DenseAttribute(int units) => Units = units;

    /// <summary>Output features.</summary>
    public int Units { get; }
}

/// <summary>Dropout: the identity at inference.</summary>
public sealed class DropoutAttribute : LayerAttribute
{
    /// <summary>A dropout layer with the given training-time rate in [0, 1).</summary>
    public DropoutAttribute(double rate) => Rate = rate;

    /// <summary>The training-time drop rate.</summary>
    public double Rate { get; }
}

/// <summary>Batch normalization on the last axis at inference: <c>gamma · (x − mean) / sqrt(variance + epsilon) + beta</c>. Weights: gamma, beta, moving mean, moving variance (the last two non-trainable).</summary>
public sealed class BatchNormalizationAttribute : LayerAttribute
{
    /// <summary>Added to the variance (default 0.001).</summary>
    public double Epsilon { get; set; } = 0.001;
}

/// <summary>Applies an activation function.</summary>
public sealed class ActivationAttribute : LayerAttribute
{
    /// <summary>An activation layer.</summary>
    public ActivationAttribute(Activation activation) => Function = activation;

    /// <summary>The activation function.</summary>
    public Activation Function { get; }
}

/// <summary>Rectified linear unit layer: <c>max(x, 0)</c>.</summary>
public sealed class ReLUAttribute : LayerAttribute
{
}

/// <summary>Softmax over the last axis.</summary>
public sealed class SoftmaxAttribute : LayerAttribute
{
}
