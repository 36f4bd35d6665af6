using System.Globalization;

namespace ShapeGen.Generators.Engine;

/// <summary>Keras's output-size rules for one spatial axis (operation_utils.compute_conv_output_shape).</summary>
internal static class WindowArithmetic
{
    /// <summary>The span of a dilated kernel: <c>k' = (k - 1)·d + 1</c>.</summary>
    public static int EffectiveKernel(int kernel, int dilation) => checked((kernel - 1) * dilation + 1);

    /// <summary>Output length of a convolution or pooling axis; ≤ 0 when valid padding does not fit.</summary>
    public static int OutputLength(int n, int kernel, int stride, int dilation, PaddingMode padding)
    {
        if (padding != PaddingMode.Valid) return CeilDiv(n, stride);
        int span = EffectiveKernel(kernel, dilation);
        // Keras: ceil((n - k' + 1) / s); a non-positive numerator means the window does not fit.
        int numerator = n - span + 1;
        return numerator <= 0 ? numerator : CeilDiv(numerator, stride);
    }

    /// <summary>Padding placed before the input on this axis (TensorFlow puts the odd extra cell after).</summary>
    public static int PadBefore(int n, int kernel, int stride, int dilation, PaddingMode padding)
    {
        int span = EffectiveKernel(kernel, dilation);
        switch (padding)
        {
            case PaddingMode.Same:
                return TotalSamePadding(n, kernel, stride, dilation) / 2;
            case PaddingMode.Causal:
                return span - 1;
            default:
                return 0;
        }
    }

    /// <summary>'same' padding in total: <c>max(0, (ceil(n/s) - 1)·s + k' - n)</c>.</summary>
    public static int TotalSamePadding(int n, int kernel, int stride, int dilation)
    {
        int span = EffectiveKernel(kernel, dilation);
        int total = checked((CeilDiv(n, stride) - 1) * stride + span - n);
        return total < 0 ? 0 : total;
    }

    /// <summary>Cells at the end of a valid-padded axis that no window reads: <c>(n - k') mod s</c>.</summary>
    public static int DroppedCells(int n, int kernel, int stride, int dilation)
    {
        int span = EffectiveKernel(kernel, dilation);
        return n < span ? 0 : (n - span) % stride;
    }

    /// <summary>Cells to add to a valid-padded axis so that every cell is read: <c>s − (n − k′) mod s</c>, or 0.</summary>
    public static int PaddingToWhole(int n, int kernel, int stride, int dilation)
    {
        int dropped = DroppedCells(n, kernel, stride, dilation);
        return dropped == 0 ? 0 : stride - dropped;
    }

    /// <summary>
    /// Strides with which valid padding reads every cell of each axis (<c>(n − k′)</c> a multiple of the stride on all
    /// of them): the divisors of the gcd of the <c>(n − k′)</c>. Returns the nearest below and above
    /// <paramref name="current"/> (either 0 when there is none).
    /// </summary>
    public static (int Below, int Above) WholeStrides(int current, params (int N, int Kernel, int Dilation)[] axes)
    {
        int gcd = 0;
        foreach (var (n, kernel, dilation) in axes)
        {
            int span = n - EffectiveKernel(kernel, dilation);
            if (span > 0) gcd = Gcd(gcd, span);
        }
        if (gcd == 0) return (0, 0);
        int below = 0, above = 0;
        for (int t = 1; t <= gcd; t++)
        {
            if (gcd % t != 0 || t == current) continue;
            if (t < current) below = t;
            else if (above == 0) above = t;
        }
        return (below, above);
    }

    /// <summary>Whether 'same' padding splits unevenly on this axis (an odd total): TensorFlow then pads one more cell after than before.</summary>
    public static bool IsUnevenSame(int n, int kernel, int stride, int dilation) => TotalSamePadding(n, kernel, stride, dilation) % 2 == 1;

    private static int Gcd(int a, int b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }

    /// <summary>Conv2DTranspose output length (no output padding): valid <c>n·s + max(k - s, 0)</c>, same <c>n·s</c>.</summary>
    public static int TransposeOutputLength(int n, int kernel, int stride, PaddingMode padding)
        => checked(padding == PaddingMode.Same ? n * stride : n * stride + System.Math.Max(kernel - stride, 0));

    /// <summary>Rows of the full transposed-convolution result cut from the top to give the 'same'/'valid' output.</summary>
    public static int TransposeCropBefore(int kernel, int stride, PaddingMode padding)
        => padding == PaddingMode.Same ? System.Math.Max(kernel - stride, 0) / 2 : 0;

    /// <summary>The formula as a user would write it: <c>(11 - 2) / 2 + 1 = 5.5</c>.</summary>
    public static string Formula(int n, int kernel, int stride, int dilation)
    {
        int span = EffectiveKernel(kernel, dilation);
        double exact = (double)(n - span) / stride + 1;
        string strideText = stride == 1 ? "" : $" / {stride}";
        string inner = stride == 1 ? $"{n} - {span}" : $"({n} - {span})";
        return $"{inner}{strideText} + 1 = {exact.ToString("0.###", CultureInfo.InvariantCulture)}";
    }

    /// <summary><c>ceil(a / b)</c> for b &gt; 0, without overflowing near int.MaxValue.</summary>
    public static int CeilDiv(int a, int b) => a > 0 ? (a - 1) / b + 1 : -(-a / b);
}
