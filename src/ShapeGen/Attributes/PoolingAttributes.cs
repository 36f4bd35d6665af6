namespace ShapeGen;

/// <summary>Base of 1D pooling layers.</summary>
public abstract class Pooling1DAttribute : LayerAttribute
{
    private protected Pooling1DAttribute(int poolSize, Padding padding)
    {
        PoolSize = poolSize;
        Padding = padding;
    }

    /// <summary>Window length (default 2).</summary>
    public int PoolSize { get; }
    /// <summary>Valid or Same.</summary>
    public Padding Padding { get; }
    /// <summary>Stride; 0 (the default) means the pool size.</summary>
    public int Stride { get; set; }
}

/// <summary>Max over windows of a sequence.</summary>
public sealed class MaxPooling1DAttribute : Pooling1DAttribute
{
    /// <summary>1D max pooling.</summary>
    public MaxPooling1DAttribute(int poolSize = 2, Padding padding = Padding.Valid) : base(poolSize, padding) { }
}

/// <summary>Mean over windows of a sequence (padded cells excluded).</summary>
public sealed class AveragePooling1DAttribute : Pooling1DAttribute
{
    /// <summary>1D average pooling.</summary>
    public AveragePooling1DAttribute(int poolSize = 2, Padding padding = Padding.Valid) : base(poolSize, padding) { }
}

/// <summary>Base of 2D pooling layers.</summary>
public abstract class Pooling2DAttribute : LayerAttribute
{
    private protected Pooling2DAttribute(int poolHeight, int poolWidth, Padding padding)
    {
        PoolHeight = poolHeight;
        PoolWidth = poolWidth;
        Padding = padding;
    }

    /// <summary>Window height.</summary>
    public int PoolHeight { get; }
    /// <summary>Window width.</summary>
    public int PoolWidth { get; }
    /// <summary>Valid or Same.</summary>
    public Padding Padding { get; }
    /// <summary>Stride on both axes; 0 (the default) means the pool size.</summary>
    public int Stride { get; set; }
    /// <summary>Vertical stride; 0 (the default) means <see cref="Stride"/>, else the pool height.</summary>
    public int StrideHeight { get; set; }
    /// <summary>Horizontal stride; 0 (the default) means <see cref="Stride"/>, else the pool width.</summary>
    public int StrideWidth { get; set; }
}

/// <summary>Max over windows of an image; padded cells never win.</summary>
public sealed class MaxPooling2DAttribute : Pooling2DAttribute
{
    /// <summary>Square 2D max pooling.</summary>
    public MaxPooling2DAttribute(int poolSize = 2, Padding padding = Padding.Valid) : base(poolSize, poolSize, padding) { }

    /// <summary>Rectangular 2D max pooling.</summary>
    public MaxPooling2DAttribute(int poolHeight, int poolWidth, Padding padding = Padding.Valid) : base(poolHeight, poolWidth, padding) { }
}

/// <summary>Mean over windows of an image; padded cells are excluded from the mean.</summary>
public sealed class AveragePooling2DAttribute : Pooling2DAttribute
{
    /// <summary>Square 2D average pooling.</summary>
    public AveragePooling2DAttribute(int poolSize = 2, Padding padding = Padding.Valid) : base(poolSize, poolSize, padding) { }

    /// <summary>Rectangular 2D average pooling.</summary>
    public AveragePooling2DAttribute(int poolHeight, int poolWidth, Padding padding = Padding.Valid) : base(poolHeight, poolWidth, padding) { }
}

/// <summary>Mean over height and width: <c>(h, w, c)</c> → <c>(c)</c>.</summary>
public sealed class GlobalAveragePooling2DAttribute : LayerAttribute
{
}

/// <summary>Max over height and width: <c>(h, w, c)</c> → <c>(c)</c>.</summary>
public sealed class GlobalMaxPooling2DAttribute : LayerAttribute
{
}
