namespace ShapeGen;

/// <summary>Adds rows and columns of zeros around an image.</summary>
public sealed class ZeroPadding2DAttribute : LayerAttribute
{
    /// <summary>The same padding on all four sides.</summary>
    public ZeroPadding2DAttribute(int padding) : this(padding, padding, padding, padding) { }

    /// <summary><paramref name="height"/> rows above and below, <paramref name="width"/> columns left and right.</summary>
    public ZeroPadding2DAttribute(int height, int width) : this(height, height, width, width) { }

    /// <summary>Explicit padding per side.</summary>
    public ZeroPadding2DAttribute(int top, int bottom, int left, int right)
    {
        Top = top;
        Bottom = bottom;
        Left = left;
        Right = right;
    }

    /// <summary>Rows added above.</summary>
    public int Top { get; }
    /// <summary>Rows added below.</summary>
    public int Bottom { get; }
    /// <summary>Columns added on the left.</summary>
    public int Left { get; }
    /// <summary>Columns added on the right.</summary>
    public int Right { get; }
}

/// <summary>Removes rows and columns from the borders of an image.</summary>
public sealed class Cropping2DAttribute : LayerAttribute
{
    /// <summary>The same crop on all four sides.</summary>
    public Cropping2DAttribute(int cropping) : this(cropping, cropping, cropping, cropping) { }

    /// <summary><paramref name="height"/> rows from top and bottom, <paramref name="width"/> columns from left and right.</summary>
    public Cropping2DAttribute(int height, int width) : this(height, height, width, width) { }

    /// <summary>Explicit crop per side.</summary>
    public Cropping2DAttribute(int top, int bottom, int left, int right)
    {
        Top = top;
        Bottom = bottom;
        Left = left;
        Right = right;
    }

    /// <summary>Rows removed at the top.</summary>
    public int Top { get; }
    /// <summary>Rows removed at the bottom.</summary>
    public int Bottom { get; }
    /// <summary>Columns removed on the left.</summary>
    public int Left { get; }
    /// <summary>Columns removed on the right.</summary>
    public int Right { get; }
}

/// <summary>Nearest-neighbour upsampling: each pixel repeated <c>height × width</c> times.</summary>
public sealed class UpSampling2DAttribute : LayerAttribute
{
    /// <summary>The same factor on both axes (default 2).</summary>
    public UpSampling2DAttribute(int size = 2) : this(size, size) { }

    /// <summary>Separate factors per axis.</summary>
    public UpSampling2DAttribute(int height, int width)
    {
        Height = height;
        Width = width;
    }

    /// <summary>Vertical factor.</summary>
    public int Height { get; }
    /// <summary>Horizontal factor.</summary>
    public int Width { get; }
}

/// <summary>Flattens all axes (channels-last order) into one.</summary>
public sealed class FlattenAttribute : LayerAttribute
{
}

/// <summary>Reinterprets the tensor with a new shape of the same element count (one axis may be -1: inferred).</summary>
public sealed class ReshapeAttribute : LayerAttribute
{
    /// <summary>The target shape without the batch axis.</summary>
    public ReshapeAttribute(params int[] shape) => Shape = shape;

    /// <summary>The target shape without the batch axis.</summary>
    public int[] Shape { get; }
}
