namespace ShapeGen.Generators.Engine;

/// <summary>Every attribute the engine understands. Names equal the attribute names without the suffix.</summary>
internal enum LayerKind
{
    Input,
    ExpectShape,
    Conv1D,
    Conv2D,
    Conv2DTranspose,
    DepthwiseConv2D,
    SeparableConv2D,
    MaxPooling1D,
    AveragePooling1D,
    MaxPooling2D,
    AveragePooling2D,
    GlobalAveragePooling2D,
    GlobalMaxPooling2D,
    ZeroPadding2D,
    Cropping2D,
    UpSampling2D,
    Flatten,
    Reshape,
    Dense,
    Dropout,
    BatchNormalization,
    Activation,
    ReLU,
    Softmax,
    Add,
    Concatenate,
}

/// <summary>Mirror of the runtime's <c>ShapeGen.Padding</c> (same values); the analyzer cannot reference the runtime.</summary>
internal enum PaddingMode
{
    Valid = 0,
    Same = 1,
    Causal = 2,
}

/// <summary>Mirror of the runtime's <c>ShapeGen.Activation</c> (same values).</summary>
internal enum ActivationKind
{
    Linear = 0,
    Relu,
    Relu6,
    Sigmoid,
    Tanh,
    Softmax,
    Elu,
    Selu,
    Softplus,
    HardSigmoid,
    Swish,
}

internal static class LayerKindFacts
{
    /// <summary>Keras 3 default name stem: snake_case of the class name.</summary>
    public static string KerasStem(LayerKind kind) => kind switch
    {
        LayerKind.Conv1D => "conv1d",
        LayerKind.Conv2D => "conv2d",
        LayerKind.Conv2DTranspose => "conv2d_transpose",
        LayerKind.DepthwiseConv2D => "depthwise_conv2d",
        LayerKind.SeparableConv2D => "separable_conv2d",
        LayerKind.MaxPooling1D => "max_pooling1d",
        LayerKind.AveragePooling1D => "average_pooling1d",
        LayerKind.MaxPooling2D => "max_pooling2d",
        LayerKind.AveragePooling2D => "average_pooling2d",
        LayerKind.GlobalAveragePooling2D => "global_average_pooling2d",
        LayerKind.GlobalMaxPooling2D => "global_max_pooling2d",
        LayerKind.ZeroPadding2D => "zero_padding2d",
        LayerKind.Cropping2D => "cropping2d",
        LayerKind.UpSampling2D => "up_sampling2d",
        LayerKind.Flatten => "flatten",
        LayerKind.Reshape => "reshape",
        LayerKind.Dense => "dense",
        LayerKind.Dropout => "dropout",
        LayerKind.BatchNormalization => "batch_normalization",
        LayerKind.Activation => "activation",
        LayerKind.ReLU => "re_lu",
        LayerKind.Softmax => "softmax",
        LayerKind.Add => "add",
        LayerKind.Concatenate => "concatenate",
        LayerKind.Input => "input_layer",
        _ => "expect_shape",
    };

    /// <summary>Whether the attribute is a real layer (appears in the summary and in Layers).</summary>
    public static bool IsLayer(LayerKind kind) => kind != LayerKind.Input && kind != LayerKind.ExpectShape;

    public static bool IsPooling(LayerKind kind) => kind is LayerKind.MaxPooling1D or LayerKind.AveragePooling1D
        or LayerKind.MaxPooling2D or LayerKind.AveragePooling2D;

    /// <summary>Layers whose window (kernel or pool) slides over the input with a stride.</summary>
    public static bool IsWindowed(LayerKind kind) => IsPooling(kind) || kind is LayerKind.Conv1D or LayerKind.Conv2D
        or LayerKind.DepthwiseConv2D or LayerKind.SeparableConv2D;

    public static bool IsMerge(LayerKind kind) => kind is LayerKind.Add or LayerKind.Concatenate;

    public static bool Is1D(LayerKind kind) => kind is LayerKind.Conv1D or LayerKind.MaxPooling1D or LayerKind.AveragePooling1D;
}
