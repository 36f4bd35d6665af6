namespace ShapeGen;

/// <summary>1D convolution over <c>(steps, channels)</c>. Kernel <c>[k, in, filters]</c>, then bias.</summary>
public sealed class Conv1DAttribute : ActivatedLayerAttribute
{
    /// <summary>A 1D convolution.</summary>
    public Conv1DAttribute(int filters, int kernelSize, Padding padding = Padding.Valid)
    {
        Filters = filters;
        KernelSize = kernelSize;
        Padding = padding;
    }

    /// <summary>Output channels.</summary>
    public int Filters { get; }
    /// <summary>Kernel length.</summary>
    public int KernelSize { get; }
    /// <summary>Valid, Same or Causal.</summary>
    public Padding Padding { get; }
    /// <summary>Stride (default 1).</summary>
    public int Stride { get; set; } = 1;
    /// <summary>Dilation rate (default 1); cannot be combined with a stride above 1.</summary>
    public int DilationRate { get; set; } = 1;
}

/// <summary>2D convolution over <c>(height, width, channels)</c>. Kernel <c>[kh, kw, in, filters]</c>, then bias.</summary>
public sealed class Conv2DAttribute : Strided2DLayerAttribute
{
    /// <summary>A square-kernel 2D convolution.</summary>
    public Conv2DAttribute(int filters, int kernelSize, Padding padding = Padding.Valid)
        : this(filters, kernelSize, kernelSize, padding)
    {
    }

    /// <summary>A 2D convolution with a rectangular kernel.</summary>
    public Conv2DAttribute(int filters, int kernelHeight, int kernelWidth, Padding padding = Padding.Valid)
    {
        Filters = filters;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        Padding = padding;
    }

    /// <summary>Output channels.</summary>
    public int Filters { get; }
    /// <summary>Kernel height.</summary>
    public int KernelHeight { get; }
    /// <summary>Kernel width.</summary>
    public int KernelWidth { get; }
    /// <summary>Valid or Same.</summary>
    public Padding Padding { get; }
    /// <summary>Dilation rate on both axes (default 1); cannot be combined with a stride above 1.</summary>
    public int DilationRate { get; set; } = 1;
    /// <summary>Vertical dilation rate; 0 (the default) means <see cref="DilationRate"/>.</summary>
    public int DilationHeight { get; set; }
    /// <summary>Horizontal dilation rate; 0 (the default) means <see cref="DilationRate"/>.</summary>
    public int DilationWidth { get; set; }
}

/// <summary>Transposed 2D convolution ("deconvolution"). Kernel <c>[kh, kw, filters, in]</c>, then bias.</summary>
public sealed class Conv2DTransposeAttribute : Strided2DLayerAttribute
{
    /// <summary>A square-kernel transposed convolution.</summary>
    public Conv2DTransposeAttribute(int filters, int kernelSize, Padding padding = Padding.Valid)
        : this(filters, kernelSize, kernelSize, padding)
    {
    }

    /// <summary>A transposed convolution with a rectangular kernel.</summary>
    public Conv2DTransposeAttribute(int filters, int kernelHeight, int kernelWidth, Padding padding = Padding.Valid)
    {
        Filters = filters;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        Padding = padding;
    }

    /// <summary>Output channels.</summary>
    public int Filters { get; }
    /// <summary>Kernel height.</summary>
    public int KernelHeight { get; }
    /// <summary>Kernel width.</summary>
    public int KernelWidth { get; }
    /// <summary>Valid or Same.</summary>
    public Padding Padding { get; }
}

/// <summary>Depthwise 2D convolution: each input channel gets <see cref="DepthMultiplier"/> filters of its own. Kernel <c>[kh, kw, in, multiplier]</c>, then bias.</summary>
public sealed class DepthwiseConv2DAttribute : Strided2DLayerAttribute
{
    /// <summary>A square-kernel depthwise convolution.</summary>
    public DepthwiseConv2DAttribute(int kernelSize, Padding padding = Padding.Valid)
        : this(kernelSize, kernelSize, padding)
    {
    }

    /// <summary>A depthwise convolution with a rectangular kernel.</summary>
    public DepthwiseConv2DAttribute(int kernelHeight, int kernelWidth, Padding padding = Padding.Valid)
    {
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        Padding = padding;
    }

    /// <summary>Kernel height.</summary>
    public int KernelHeight { get; }
    /// <summary>Kernel width.</summary>
    public int KernelWidth { get; }
    /// <summary>Valid or Same.</summary>
    public Padding Padding { get; }
    /// <summary>Output channels per input channel (default 1).</summary>
    public int DepthMultiplier { get; set; } = 1;
}

/// <summary>Depthwise convolution followed by a 1×1 pointwise convolution. Weights: depthwise <c>[kh, kw, in, m]</c>, pointwise <c>[1, 1, in·m, filters]</c>, bias.</summary>
public sealed class SeparableConv2DAttribute : Strided2DLayerAttribute
{
    /// <summary>A square-kernel separable convolution.</summary>
    public SeparableConv2DAttribute(int filters, int kernelSize, Padding padding = Padding.Valid)
        : this(filters, kernelSize, kernelSize, padding)
    {
    }

    /// <summary>A separable convolution with a rectangular kernel.</summary>
    public SeparableConv2DAttribute(int filters, int kernelHeight, int kernelWidth, Padding padding = Padding.Valid)
    {
        Filters = filters;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        Padding = padding;
    }

    /// <summary>Output channels.</summary>
    public int Filters { get; }
    /// <summary>Kernel height.</summary>
    public int KernelHeight { get; }
    /// <summary>Kernel width.</summary>
    public int KernelWidth { get; }
    /// <summary>Valid or Same.</summary>
    public Padding Padding { get; }
    /// <summary>Depthwise channels per input channel (default 1).</summary>
    public int DepthMultiplier { get; set; } = 1;
}
