using System;
using System.ComponentModel;

namespace ShapeGen.Runtime;

/// <summary>
/// Construction-time weight repacking for generated networks: Keras <c>get_weights()</c> order in, kernel-friendly
/// layouts out (output channels padded to whole vectors, transposed-convolution kernels transposed, BatchNormalization
/// folded into the layer before it). Runs once per instance, never on the hot path.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class WeightPacking
{
    /// <summary>Copies a row-major <c>[rows, columns]</c> matrix into rows of <paramref name="paddedColumns"/> (zeros after).</summary>
    public static void PadColumns(ReadOnlySpan<float> source, Span<float> destination, int rows, int columns, int paddedColumns)
    {
        for (int r = 0; r < rows; r++)
        {
            source.Slice(r * columns, columns).CopyTo(destination.Slice(r * paddedColumns, columns));
        }
    }

    /// <summary>
    /// Rearranges a row-major <c>[rows, columns]</c> matrix in place into column blocks of <paramref name="block"/>:
    /// block <c>b</c> holds columns <c>b·block …</c> of every row, row after row, so a kernel that works on one block of
    /// output channels at a time reads its weights as one contiguous stream. <paramref name="columns"/> must be a
    /// multiple of <paramref name="block"/>.
    /// </summary>
    public static void BlockColumns(Span<float> matrix, int rows, int columns, int block)
    {
        if (block <= 0 || columns % block != 0) throw new ArgumentException($"{columns} columns do not split into blocks of {block}.", nameof(block));
        if (matrix.Length < (long)rows * columns) throw new ArgumentException("The matrix is shorter than rows × columns.", nameof(matrix));
        if (block == columns) return; // one block is the matrix as it is (the widest kernel's chunk of a 64-filter layer)
        float[] copy = matrix.Slice(0, rows * columns).ToArray();
        int blocks = columns / block;
        for (int b = 0; b < blocks; b++)
        {
            for (int r = 0; r < rows; r++)
            {
                copy.AsSpan(r * columns + b * block, block).CopyTo(matrix.Slice((b * rows + r) * block, block));
            }
        }
    }

    /// <summary>
    /// A 3×3 convolution kernel <c>[3, 3, channels, filters]</c> (Keras order) transformed for Winograd F(2×2, 3×3):
    /// <c>U = G·g·Gᵀ</c> for every (channel, filter) pair, with <c>G = [[1, 0, 0], [½, ½, ½], [½, −½, ½], [0, 0, 1]]</c>,
    /// written as 16 matrices <c>[channels, paddedFilters]</c>, one per position of the 4×4 transformed tile (row-major).
    /// Computed in double and rounded once, so the transformed weights are as close to exact as floats allow.
    /// </summary>
    public static void WinogradKernel(ReadOnlySpan<float> kernel, Span<float> destination, int channels, int filters, int paddedFilters)
    {
        const int Taps = 3, Positions = 4;
        if (kernel.Length < Taps * Taps * channels * filters) throw new ArgumentException("The kernel is shorter than 3 × 3 × channels × filters.", nameof(kernel));
        if (destination.Length < Positions * Positions * channels * paddedFilters) throw new ArgumentException("The destination is shorter than 16 × channels × paddedFilters.", nameof(destination));
        Span<double> g = stackalloc double[Taps * Taps];
        Span<double> gg = stackalloc double[Positions * Taps]; // G·g
        for (int c = 0; c < channels; c++)
        {
            for (int f = 0; f < filters; f++)
            {
                for (int ky = 0; ky < Taps; ky++)
                {
                    for (int kx = 0; kx < Taps; kx++) g[ky * Taps + kx] = kernel[((ky * Taps + kx) * channels + c) * filters + f];
                }
                for (int x = 0; x < Taps; x++)
                {
                    double top = g[x], middle = g[Taps + x], bottom = g[2 * Taps + x];
                    gg[x] = top;
                    gg[Taps + x] = 0.5 * (top + middle + bottom);
                    gg[2 * Taps + x] = 0.5 * (top - middle + bottom);
                    gg[3 * Taps + x] = bottom;
                }
                for (int i = 0; i < Positions; i++)
                {
                    double left = gg[i * Taps], middle = gg[i * Taps + 1], right = gg[i * Taps + 2];
                    int position = i * Positions;
                    destination[((position + 0) * channels + c) * paddedFilters + f] = (float)left;
                    destination[((position + 1) * channels + c) * paddedFilters + f] = (float)(0.5 * (left + middle + right));
                    destination[((position + 2) * channels + c) * paddedFilters + f] = (float)(0.5 * (left - middle + right));
                    destination[((position + 3) * channels + c) * paddedFilters + f] = (float)right;
                }
            }
        }
    }

    /// <summary>Conv2DTranspose kernel <c>[taps, filters, inputs]</c> to <c>[taps, inputs, paddedFilters]</c>.</summary>
    public static void TransposeKernel(ReadOnlySpan<float> source, Span<float> destination, int taps, int filters, int inputs, int paddedFilters)
    {
        for (int t = 0; t < taps; t++)
        {
            for (int f = 0; f < filters; f++)
            {
                for (int c = 0; c < inputs; c++)
                {
                    destination[(t * inputs + c) * paddedFilters + f] = source[(t * filters + f) * inputs + c];
                }
            }
        }
    }

    /// <summary>
    /// BatchNormalization at inference as <c>x·scale + shift</c>: <c>scale = gamma / sqrt(variance + epsilon)</c>,
    /// <c>shift = beta − mean·scale</c>. <paramref name="parameters"/> holds gamma, beta, moving mean, moving variance.
    /// </summary>
    public static void BatchNormScaleShift(ReadOnlySpan<float> parameters, int channels, float epsilon, Span<float> scale, Span<float> shift)
    {
        for (int c = 0; c < channels; c++)
        {
            float gamma = parameters[c], beta = parameters[channels + c];
            float mean = parameters[2 * channels + c], variance = parameters[3 * channels + c];
            float s = gamma / MathF.Sqrt(variance + epsilon);
            scale[c] = s;
            shift[c] = beta - mean * s;
        }
    }

    /// <summary>A standalone BatchNormalization: scale at <c>[0, paddedChannels)</c>, shift after it.</summary>
    public static void BatchNorm(ReadOnlySpan<float> parameters, Span<float> destination, int channels, int paddedChannels, float epsilon)
        => BatchNormScaleShift(parameters, channels, epsilon, destination.Slice(0, channels), destination.Slice(paddedChannels, channels));

    /// <summary>
    /// Folds a BatchNormalization into the packed kernel (<paramref name="kernelRows"/> rows of <paramref name="paddedChannels"/>)
    /// and bias of the layer before it: each output channel's weights times its scale; bias becomes <c>bias·scale + shift</c>.
    /// </summary>
    public static void FoldBatchNorm(ReadOnlySpan<float> parameters, float epsilon, Span<float> kernel, int kernelRows, int channels,
        int paddedChannels, Span<float> bias)
    {
        var scale = new float[channels];
        var shift = new float[channels];
        BatchNormScaleShift(parameters, channels, epsilon, scale, shift);
        for (int r = 0; r < kernelRows; r++)
        {
            var row = kernel.Slice(r * paddedChannels, channels);
            for (int c = 0; c < channels; c++) row[c] *= scale[c];
        }
        for (int c = 0; c < channels; c++) bias[c] = bias[c] * scale[c] + shift[c];
    }
}
