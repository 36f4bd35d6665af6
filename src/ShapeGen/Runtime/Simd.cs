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

    // ReLU with .NET's Max semantics (NaN stays NaN, -0 becomes +0) in two cheap instructions. Vector512.Max(x, 0)
    // gives the same result from .NET 9 on, but as max + fix-up (a vfixupimmps per stored vector: about 2% of a
    // MobileNet's time); on .NET 8 it is a bare max(x, 0), which turns NaN into 0. The hardware max returns its second
    // operand when either is NaN or both are zeros, so max(0, x) keeps NaN and -0; adding +0 then turns -0 into +0
    // and changes nothing else (x + 0 is not an identity for floats, so the JIT keeps it).

    /// <summary>ReLU: <c>max(x, 0)</c>, NaN kept, -0 as +0, as <c>MathF.Max(x, 0)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Relu(Vector512<float> x)
        => Avx512F.IsSupported ? Avx512F.Max(Vector512<float>.Zero, x) + Vector512<float>.Zero : Vector512.Max(x, Vector512<float>.Zero);

    /// <summary>ReLU: <c>max(x, 0)</c>, NaN kept, -0 as +0, as <c>MathF.Max(x, 0)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Relu(Vector256<float> x)
        => Avx.IsSupported ? Avx.Max(Vector256<float>.Zero, x) + Vector256<float>.Zero : Vector256.Max(x, Vector256<float>.Zero);

    /// <summary>ReLU: <c>max(x, 0)</c>, NaN kept, -0 as +0, as <c>MathF.Max(x, 0)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Relu(Vector128<float> x)
    {
        if (Sse.IsSupported) return Sse.Max(Vector128<float>.Zero, x) + Vector128<float>.Zero;
        if (AdvSimd.IsSupported) return AdvSimd.Max(x, Vector128<float>.Zero); // FMAX: NaN kept, max(-0, +0) = +0
        return Vector128.Max(x, Vector128<float>.Zero);
    }

    /// <summary>ReLU6: <c>min(max(x, 0), 6)</c>, NaN kept, as <c>MathF.Min(MathF.Max(x, 0), 6)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Relu6(Vector512<float> x)
        => Avx512F.IsSupported ? Avx512F.Min(Vector512.Create(6f), Relu(x)) : Vector512.Min(Relu(x), Vector512.Create(6f));

    /// <summary>ReLU6: <c>min(max(x, 0), 6)</c>, NaN kept, as <c>MathF.Min(MathF.Max(x, 0), 6)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Relu6(Vector256<float> x)
        => Avx.IsSupported ? Avx.Min(Vector256.Create(6f), Relu(x)) : Vector256.Min(Relu(x), Vector256.Create(6f));

    /// <summary>ReLU6: <c>min(max(x, 0), 6)</c>, NaN kept, as <c>MathF.Min(MathF.Max(x, 0), 6)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Relu6(Vector128<float> x)
    {
        if (Sse.IsSupported) return Sse.Min(Vector128.Create(6f), Relu(x));
        if (AdvSimd.IsSupported) return AdvSimd.Min(Relu(x), Vector128.Create(6f));
        return Vector128.Min(Relu(x), Vector128.Create(6f));
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
