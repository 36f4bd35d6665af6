using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ShapeGen.Runtime;

/// <summary>
/// Construction-time repacking for the kernels of convolutions with few filters (at most four): derived from the
/// standard packed layout (<c>[rows][paddedFilters]</c>, after any BatchNormalization was folded into it).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SmallKernelPacking
{
    /// <summary>
    /// Each row of <paramref name="source"/> (<paramref name="filters"/> values, rows <paramref name="sourceRow"/> apart)
    /// repeated across a 16-lane row: lane <c>l</c> holds filter <c>l % period</c>, zero where that is not a filter.
    /// </summary>
    public static void RepeatRows(ReadOnlySpan<float> source, Span<float> destination, int rows, int filters, int sourceRow, int period)
    {
        for (int r = 0; r < rows; r++)
        {
            for (int lane = 0; lane < 16; lane++)
            {
                int f = lane % period;
                destination[r * 16 + lane] = f < filters ? source[r * sourceRow + f] : 0f;
            }
        }
    }

    /// <summary>
    /// A kernel <c>[taps·channels][paddedFilters]</c> as <c>[taps][4 filters][channels]</c> (filters past
    /// <paramref name="filters"/> zero): one 16-lane vector per tap when there are four channels.
    /// </summary>
    public static void ChannelBlocks(ReadOnlySpan<float> source, Span<float> destination, int taps, int channels, int filters, int paddedFilters)
    {
        for (int t = 0; t < taps; t++)
        {
            for (int f = 0; f < 4; f++)
            {
                for (int c = 0; c < channels; c++)
                {
                    destination[(t * 4 + f) * channels + c] = f < filters ? source[(t * channels + c) * paddedFilters + f] : 0f;
                }
            }
        }
    }
}

/// <summary>Vector helpers for the few-filter convolution kernels.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SimdBlocks
{
    /// <summary>
    /// Four floats repeated into every 128-bit block. <paramref name="source"/> must be in pinned memory (the generated
    /// workspace): with AVX-512 this is one broadcast load.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector512<float> Broadcast4Pinned(ref float source)
    {
        if (Avx512F.IsSupported) return Avx512F.BroadcastVector128ToVector512((float*)Unsafe.AsPointer(ref source));
        return Broadcast4(ref source);
    }

    /// <summary>Four floats repeated into every 128-bit block (any memory).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast4(ref float source)
    {
        var block = Vector128.LoadUnsafe(ref source);
        var half = Vector256.Create(block, block);
        return Vector512.Create(half, half);
    }

    /// <summary>
    /// Lanes <paramref name="lanes"/>…15 of <paramref name="current"/> followed by the first <paramref name="lanes"/> lanes
    /// of <paramref name="next"/>: a row's vector starting <paramref name="lanes"/> floats later, from two aligned loads.
    /// <paramref name="lanes"/> must be a constant (1–15).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Shift(Vector512<float> current, Vector512<float> next, [ConstantExpected(Min = 1, Max = 15)] byte lanes)
    {
        if (Avx512F.IsSupported) return Avx512F.AlignRight32(next.AsInt32(), current.AsInt32(), lanes).AsSingle();
        Span<float> both = stackalloc float[32];
        current.StoreUnsafe(ref both[0]);
        next.StoreUnsafe(ref both[16]);
        return Vector512.LoadUnsafe(ref both[lanes]);
    }

    /// <summary>
    /// Four pixels' accumulators whose 128-bit block <c>f</c> holds per-channel partial sums of filter <c>f</c>: the sums
    /// over each block, as lanes <c>pixel·4 + filter</c> (channels-last order).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SumBlocks(Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3)
    {
        Vector512<float> byFilter;
        if (Avx512F.IsSupported)
        {
            var s01 = Avx512F.UnpackLow(a0, a1) + Avx512F.UnpackHigh(a0, a1);
            var s23 = Avx512F.UnpackLow(a2, a3) + Avx512F.UnpackHigh(a2, a3);
            byFilter = Avx512F.Shuffle(s01, s23, 0x44) + Avx512F.Shuffle(s01, s23, 0xEE);
        }
        else
        {
            // Same sums, same order: ((c0 + c2) + (c1 + c3)) per block.
            Span<float> lanes = stackalloc float[16];
            var accumulators = new[] { a0, a1, a2, a3 };
            for (int f = 0; f < 4; f++)
            {
                for (int p = 0; p < 4; p++)
                {
                    var a = accumulators[p];
                    lanes[f * 4 + p] = (a.GetElement(f * 4) + a.GetElement(f * 4 + 2)) + (a.GetElement(f * 4 + 1) + a.GetElement(f * 4 + 3));
                }
            }
            byFilter = Vector512.Create((ReadOnlySpan<float>)lanes);
        }
        return Vector512.Shuffle(byFilter, Vector512.Create(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15));
    }

    /// <summary>
    /// Four floats repeated into both 128-bit halves. <paramref name="source"/> must be in pinned memory (the generated
    /// workspace): with AVX this is one broadcast load.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256<float> Broadcast4x2Pinned(ref float source)
    {
        if (Avx.IsSupported) return Avx.BroadcastVector128ToVector256((float*)Unsafe.AsPointer(ref source));
        return Broadcast4x2(ref source);
    }

    /// <summary>Four floats repeated into both 128-bit halves (any memory).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast4x2(ref float source)
    {
        var block = Vector128.LoadUnsafe(ref source);
        return Vector256.Create(block, block);
    }

    /// <summary>
    /// 256-bit: four pixels' accumulators, each two filters × four channels (lanes <c>filter·4 + channel</c>), summed
    /// over the channels of each block as lanes <c>filter·4 + pixel</c>, each sum <c>(c0 + c2) + (c1 + c3)</c> like
    /// the 512-bit <see cref="SumBlocks(Vector512{float}, Vector512{float}, Vector512{float}, Vector512{float})"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SumBlocks(Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3)
    {
        if (Avx.IsSupported)
        {
            var s01 = Avx.UnpackLow(a0, a1) + Avx.UnpackHigh(a0, a1);
            var s23 = Avx.UnpackLow(a2, a3) + Avx.UnpackHigh(a2, a3);
            return Avx.Shuffle(s01, s23, 0x44) + Avx.Shuffle(s01, s23, 0xEE);
        }
        Span<float> lanes = stackalloc float[8];
        Span<Vector256<float>> accumulators = [a0, a1, a2, a3];
        for (int f = 0; f < 2; f++)
        {
            for (int p = 0; p < 4; p++)
            {
                var a = accumulators[p];
                lanes[f * 4 + p] = (a.GetElement(f * 4) + a.GetElement(f * 4 + 2)) + (a.GetElement(f * 4 + 1) + a.GetElement(f * 4 + 3));
            }
        }
        return Vector256.Create((ReadOnlySpan<float>)lanes);
    }

    /// <summary>
    /// Two <see cref="SumBlocks(Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float})"/> results (filters
    /// 0–1 and 2–3, lanes <c>filter·4 + pixel</c>) as channels-last pixels: pixels 0–1 and 2–3, lanes <c>pixel·4 + filter</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<float> Pixels01, Vector256<float> Pixels23) PixelMajor(Vector256<float> filters01, Vector256<float> filters23)
    {
        // Per half: unpacking interleaves filter f with f + 2; the permute then puts each pixel's four filters together.
        var order = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);
        if (Avx2.IsSupported)
        {
            return (Avx2.PermuteVar8x32(Avx.UnpackLow(filters01, filters23), order), Avx2.PermuteVar8x32(Avx.UnpackHigh(filters01, filters23), order));
        }
        Span<float> lanes = stackalloc float[16];
        for (int p = 0; p < 4; p++)
        {
            for (int f = 0; f < 4; f++) lanes[p * 4 + f] = (f < 2 ? filters01 : filters23).GetElement((f % 2) * 4 + p);
        }
        return (Vector256.Create((ReadOnlySpan<float>)lanes[..8]), Vector256.Create((ReadOnlySpan<float>)lanes[8..]));
    }
}
