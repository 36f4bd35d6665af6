using System;
using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using X86Fma = System.Runtime.Intrinsics.X86.Fma;

namespace ShapeGen.Runtime;

/// <summary>
/// Fused multiply-add for the vector widths generated code uses. The JIT does not fuse <c>a * b + c</c>, and
/// <c>Vector512.FusedMultiplyAdd</c> only exists from .NET 9, so generated code calls these (inlined to one instruction).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Simd
{
    /// <summary><c>a * b + c</c> with one rounding where the hardware has FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c)
        => Avx512F.IsSupported ? Avx512F.FusedMultiplyAdd(a, b, c) : a * b + c;

    /// <summary><c>a * b + c</c> with one rounding where the hardware has FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c)
        => X86Fma.IsSupported ? X86Fma.MultiplyAdd(a, b, c) : a * b + c;

    /// <summary><c>a * b + c</c> with one rounding where the hardware has FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Fma(Vector128<float> a, Vector128<float> b, Vector128<float> c)
    {
        if (X86Fma.IsSupported) return X86Fma.MultiplyAdd(a, b, c);
        if (AdvSimd.IsSupported) return AdvSimd.FusedMultiplyAdd(c, a, b);
        return a * b + c;
    }

    /// <summary>Stores the first <paramref name="count"/> lanes of <paramref name="value"/> (a channel tail).</summary>
    public static void StorePartial(Vector512<float> value, ref float destination, int count)
    {
        Span<float> lanes = stackalloc float[Vector512<float>.Count];
        value.StoreUnsafe(ref MemoryMarshal.GetReference(lanes));
        lanes.Slice(0, count).CopyTo(MemoryMarshal.CreateSpan(ref destination, count));
    }

    /// <summary>Stores the first <paramref name="count"/> lanes of <paramref name="value"/> (a channel tail).</summary>
    public static void StorePartial(Vector256<float> value, ref float destination, int count)
    {
        Span<float> lanes = stackalloc float[Vector256<float>.Count];
        value.StoreUnsafe(ref MemoryMarshal.GetReference(lanes));
        lanes.Slice(0, count).CopyTo(MemoryMarshal.CreateSpan(ref destination, count));
    }

    /// <summary>Stores the first <paramref name="count"/> lanes of <paramref name="value"/> (a channel tail).</summary>
    public static void StorePartial(Vector128<float> value, ref float destination, int count)
    {
        Span<float> lanes = stackalloc float[Vector128<float>.Count];
        value.StoreUnsafe(ref MemoryMarshal.GetReference(lanes));
        lanes.Slice(0, count).CopyTo(MemoryMarshal.CreateSpan(ref destination, count));
    }
}
