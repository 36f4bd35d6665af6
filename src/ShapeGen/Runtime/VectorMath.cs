using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using X86Fma = System.Runtime.Intrinsics.X86.Fma;

namespace ShapeGen.Runtime;

/// <summary>
/// Vectorised tanh and sigmoid for generated networks. <see cref="Tanh(Vector512{float})"/> and
/// <see cref="Sigmoid(Vector512{float})"/> (and the pass, <see cref="Apply"/>) evaluate in double like
/// <see cref="Activations.Scalar"/> and round once to float (exp by range reduction and an 11th-degree polynomial,
/// relative error below 1e-14): identical results to the scalar code on every value tried, at a fraction of its cost.
/// <c>TanhSingle</c>/<c>SigmoidSingle</c> stay in single precision (within 2–3 ulp, about four times cheaper again) for
/// kernels that apply the activation as they store.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class VectorMath
{
    // Round-to-nearest shifter: x·log2(e) + 1.5·2^52 leaves round(x·log2(e)) in the low mantissa bits.
    private const double Shifter = 6755399441055744.0;
    private const double Log2E = 1.4426950408889634;
    // ln 2 split so that n·Ln2Hi is exact for |n| < 2^20 (fdlibm).
    private const double Ln2Hi = 6.93147180369123816490e-01;
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double C2 = 1.0 / 2, C3 = 1.0 / 6, C4 = 1.0 / 24, C5 = 1.0 / 120, C6 = 1.0 / 720, C7 = 1.0 / 5040,
        C8 = 1.0 / 40320, C9 = 1.0 / 362880, C10 = 1.0 / 3628800, C11 = 1.0 / 39916800;
    // tanh x = x − x³/3 + 2x⁵/15 − 17x⁷/315 + 62x⁹/2835 − 1382x¹¹/155925 for small |x|, where 1 − 2/(e^2x + 1) cancels.
    private const double T3 = -1.0 / 3, T5 = 2.0 / 15, T7 = -17.0 / 315, T9 = 62.0 / 2835, T11 = -1382.0 / 155925;
    private const double SmallTanh = 0.0625;
    // tanh rounds to ±1 in float from |x| > 9.01; sigmoid to 0 below −104 and to 1 above 17.
    private const double TanhLimit = 10, SigmoidLimit = 120;
    private const ulong Bias = 1023UL << 52;
    private const float SingleShifter = 12582912f, SingleLog2E = 1.44269504f, SingleLn2Hi = 0.693359375f, SingleLn2Lo = -2.12194440e-4f;
    // tanh rounds to ±1 in float from |x| > 9.01; e^x stays a normal float for |x| ≤ 87.
    private const float SingleTanhLimit = 9.5f, SingleExpLimit = 87f;

    /// <summary>Applies tanh or sigmoid to <paramref name="count"/> floats (in place allowed); other activations are not handled here.</summary>
    public static void Apply(Activation activation, ref float source, ref float destination, int count)
    {
        bool tanh = activation == Activation.Tanh;
        if (!tanh && activation != Activation.Sigmoid) throw new ArgumentOutOfRangeException(nameof(activation));
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= count - 16; i += 16)
            {
                var x = Vector512.LoadUnsafe(ref source, (nuint)i);
                (tanh ? Tanh(x) : Sigmoid(x)).StoreUnsafe(ref destination, (nuint)i);
            }
            if (i < count)
            {
                Span<float> lanes = stackalloc float[16];
                MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref source, i), count - i).CopyTo(lanes);
                var x = Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(lanes));
                (tanh ? Tanh(x) : Sigmoid(x)).StoreUnsafe(ref MemoryMarshal.GetReference(lanes));
                lanes.Slice(0, count - i).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref destination, i), count - i));
            }
            return;
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= count - 8; i += 8)
            {
                var x = Vector256.LoadUnsafe(ref source, (nuint)i);
                (tanh ? Tanh(x) : Sigmoid(x)).StoreUnsafe(ref destination, (nuint)i);
            }
            if (i < count)
            {
                Span<float> lanes = stackalloc float[8];
                MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref source, i), count - i).CopyTo(lanes);
                var x = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(lanes));
                (tanh ? Tanh(x) : Sigmoid(x)).StoreUnsafe(ref MemoryMarshal.GetReference(lanes));
                lanes.Slice(0, count - i).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref destination, i), count - i));
            }
            return;
        }
        for (; i < count; i++)
        {
            Unsafe.Add(ref destination, i) = Activations.Scalar(activation, Unsafe.Add(ref source, i));
        }
    }

    /// <summary>tanh of every lane, evaluated in double and rounded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        var (lower, upper) = Vector512.Widen(x);
        return Vector512.Narrow(Tanh(lower), Tanh(upper));
    }

    /// <summary>The logistic sigmoid 1 / (1 + e^−x) of every lane, evaluated in double and rounded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x)
    {
        var (lower, upper) = Vector512.Widen(x);
        return Vector512.Narrow(Sigmoid(lower), Sigmoid(upper));
    }

    /// <summary>tanh of every lane, evaluated in double and rounded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        var (lower, upper) = Vector256.Widen(x);
        return Vector256.Narrow(Tanh(lower), Tanh(upper));
    }

    /// <summary>The logistic sigmoid 1 / (1 + e^−x) of every lane, evaluated in double and rounded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x)
    {
        var (lower, upper) = Vector256.Widen(x);
        return Vector256.Narrow(Sigmoid(lower), Sigmoid(upper));
    }

    /// <summary>tanh of every lane, evaluated in double and rounded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Tanh(Vector128<float> x)
    {
        var (lower, upper) = Vector128.Widen(x);
        return Vector128.Narrow(Tanh(lower), Tanh(upper));
    }

    /// <summary>The logistic sigmoid 1 / (1 + e^−x) of every lane, evaluated in double and rounded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sigmoid(Vector128<float> x)
    {
        var (lower, upper) = Vector128.Widen(x);
        return Vector128.Narrow(Sigmoid(lower), Sigmoid(upper));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Simd.Fma(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Simd.Fma(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Fma(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Simd.Fma(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Fma(Vector512<double> a, Vector512<double> b, Vector512<double> c)
        => Avx512F.IsSupported ? Avx512F.FusedMultiplyAdd(a, b, c) : a * b + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Fma(Vector256<double> a, Vector256<double> b, Vector256<double> c)
        => X86Fma.IsSupported ? X86Fma.MultiplyAdd(a, b, c) : a * b + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> Fma(Vector128<double> a, Vector128<double> b, Vector128<double> c)
    {
        if (X86Fma.IsSupported) return X86Fma.MultiplyAdd(a, b, c);
        if (AdvSimd.Arm64.IsSupported) return AdvSimd.Arm64.FusedMultiplyAdd(c, a, b);
        return a * b + c;
    }

    /// <summary>tanh of every lane in single precision (within a few ulp; fused into kernels' stores).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> TanhSingle(Vector512<float> x)
    {
        var a = Vector512.Min(Vector512.Abs(x), Vector512.Create(SingleTanhLimit));
        var em1 = ExpM1(a + a);
        var t = em1 / (em1 + Vector512.Create(2f));
        var signed = t | (x & Vector512.Create(-0f));
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), signed, x);
    }

    /// <summary>The logistic sigmoid of every lane in single precision (within a few ulp; fused into kernels' stores).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SigmoidSingle(Vector512<float> x)
    {
        var y = Vector512.Min(Vector512.Max(-x, Vector512.Create(-SingleExpLimit)), Vector512.Create(SingleExpLimit));
        var s = Vector512<float>.One / (Vector512<float>.One + ExpM1(y) + Vector512<float>.One);
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), s, x);
    }

    /// <summary>e^x − 1 in single precision for |x| ≤ 87: 2^n·(1 + q) − 1 with q = e^r − 1 on |r| ≤ ln2/2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ExpM1(Vector512<float> x)
    {
        var t = Fma(x, Vector512.Create(SingleLog2E), Vector512.Create(SingleShifter));
        var n = t - Vector512.Create(SingleShifter);
        var r = Fma(n, Vector512.Create(-SingleLn2Hi), x);
        r = Fma(n, Vector512.Create(-SingleLn2Lo), r);
        var r2 = r * r;
        var p = Fma(Fma(Vector512.Create(1f / 5040), r, Vector512.Create(1f / 720)), r2, Fma(Vector512.Create(1f / 120), r, Vector512.Create(1f / 24)));
        p = Fma(p, r2, Fma(Vector512.Create(1f / 6), r, Vector512.Create(0.5f)));
        var q = Fma(p, r2, r);
        var scale = (Vector512.ShiftLeft(t.AsInt32(), 23) + Vector512.Create(127 << 23)).AsSingle();
        return Fma(scale, q, scale - Vector512<float>.One);
    }

    /// <summary>tanh of every lane in single precision (within a few ulp; fused into kernels' stores).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> TanhSingle(Vector256<float> x)
    {
        var a = Vector256.Min(Vector256.Abs(x), Vector256.Create(SingleTanhLimit));
        var em1 = ExpM1(a + a);
        var t = em1 / (em1 + Vector256.Create(2f));
        var signed = t | (x & Vector256.Create(-0f));
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), signed, x);
    }

    /// <summary>The logistic sigmoid of every lane in single precision (within a few ulp; fused into kernels' stores).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SigmoidSingle(Vector256<float> x)
    {
        var y = Vector256.Min(Vector256.Max(-x, Vector256.Create(-SingleExpLimit)), Vector256.Create(SingleExpLimit));
        var s = Vector256<float>.One / (Vector256<float>.One + ExpM1(y) + Vector256<float>.One);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), s, x);
    }

    /// <summary>e^x − 1 in single precision for |x| ≤ 87: 2^n·(1 + q) − 1 with q = e^r − 1 on |r| ≤ ln2/2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ExpM1(Vector256<float> x)
    {
        var t = Fma(x, Vector256.Create(SingleLog2E), Vector256.Create(SingleShifter));
        var n = t - Vector256.Create(SingleShifter);
        var r = Fma(n, Vector256.Create(-SingleLn2Hi), x);
        r = Fma(n, Vector256.Create(-SingleLn2Lo), r);
        var r2 = r * r;
        var p = Fma(Fma(Vector256.Create(1f / 5040), r, Vector256.Create(1f / 720)), r2, Fma(Vector256.Create(1f / 120), r, Vector256.Create(1f / 24)));
        p = Fma(p, r2, Fma(Vector256.Create(1f / 6), r, Vector256.Create(0.5f)));
        var q = Fma(p, r2, r);
        var scale = (Vector256.ShiftLeft(t.AsInt32(), 23) + Vector256.Create(127 << 23)).AsSingle();
        return Fma(scale, q, scale - Vector256<float>.One);
    }

    /// <summary>tanh of every lane in single precision (within a few ulp; fused into kernels' stores).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> TanhSingle(Vector128<float> x)
    {
        var a = Vector128.Min(Vector128.Abs(x), Vector128.Create(SingleTanhLimit));
        var em1 = ExpM1(a + a);
        var t = em1 / (em1 + Vector128.Create(2f));
        var signed = t | (x & Vector128.Create(-0f));
        return Vector128.ConditionalSelect(Vector128.Equals(x, x), signed, x);
    }

    /// <summary>The logistic sigmoid of every lane in single precision (within a few ulp; fused into kernels' stores).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SigmoidSingle(Vector128<float> x)
    {
        var y = Vector128.Min(Vector128.Max(-x, Vector128.Create(-SingleExpLimit)), Vector128.Create(SingleExpLimit));
        var s = Vector128<float>.One / (Vector128<float>.One + ExpM1(y) + Vector128<float>.One);
        return Vector128.ConditionalSelect(Vector128.Equals(x, x), s, x);
    }

    /// <summary>e^x − 1 in single precision for |x| ≤ 87: 2^n·(1 + q) − 1 with q = e^r − 1 on |r| ≤ ln2/2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> ExpM1(Vector128<float> x)
    {
        var t = Fma(x, Vector128.Create(SingleLog2E), Vector128.Create(SingleShifter));
        var n = t - Vector128.Create(SingleShifter);
        var r = Fma(n, Vector128.Create(-SingleLn2Hi), x);
        r = Fma(n, Vector128.Create(-SingleLn2Lo), r);
        var r2 = r * r;
        var p = Fma(Fma(Vector128.Create(1f / 5040), r, Vector128.Create(1f / 720)), r2, Fma(Vector128.Create(1f / 120), r, Vector128.Create(1f / 24)));
        p = Fma(p, r2, Fma(Vector128.Create(1f / 6), r, Vector128.Create(0.5f)));
        var q = Fma(p, r2, r);
        var scale = (Vector128.ShiftLeft(t.AsInt32(), 23) + Vector128.Create(127 << 23)).AsSingle();
        return Fma(scale, q, scale - Vector128<float>.One);
    }

    // ---- double precision cores (the same code for each width) ------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Exp(Vector512<double> x)
    {
        var t = Fma(x, Vector512.Create(Log2E), Vector512.Create(Shifter));
        var n = t - Vector512.Create(Shifter);
        var r = Fma(n, Vector512.Create(-Ln2Hi), x);
        r = Fma(n, Vector512.Create(-Ln2Lo), r);
        // Estrin's scheme: the same polynomial with a quarter of Horner's dependency chain.
        var r2 = r * r;
        var r4 = r2 * r2;
        var r8 = r4 * r4;
        var q0 = r + Vector512<double>.One;
        var q1 = Fma(Vector512.Create(C3), r, Vector512.Create(C2));
        var q2 = Fma(Vector512.Create(C5), r, Vector512.Create(C4));
        var q3 = Fma(Vector512.Create(C7), r, Vector512.Create(C6));
        var q4 = Fma(Vector512.Create(C9), r, Vector512.Create(C8));
        var q5 = Fma(Vector512.Create(C11), r, Vector512.Create(C10));
        var s0 = Fma(q1, r2, q0);
        var s1 = Fma(q3, r2, q2);
        var s2 = Fma(q5, r2, q4);
        var p = Fma(s2, r8, Fma(s1, r4, s0));
        var scale = (Vector512.ShiftLeft(t.AsUInt64(), 52) + Vector512.Create(Bias)).AsDouble();
        return p * scale;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Tanh(Vector512<double> x)
    {
        var a = Vector512.Min(Vector512.Abs(x), Vector512.Create(TanhLimit));
        var e = Exp(a + a);
        var large = Vector512<double>.One - Vector512.Create(2.0) / (e + Vector512<double>.One);
        var a2 = a * a;
        var q = Fma(Vector512.Create(T11), a2, Vector512.Create(T9));
        q = Fma(q, a2, Vector512.Create(T7));
        q = Fma(q, a2, Vector512.Create(T5));
        q = Fma(q, a2, Vector512.Create(T3));
        var small = Fma(a * a2, q, a);
        var magnitude = Vector512.ConditionalSelect(Vector512.LessThan(a, Vector512.Create(SmallTanh)), small, large);
        var signed = magnitude | (x & Vector512.Create(-0.0));
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), signed, x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Sigmoid(Vector512<double> x)
    {
        var clamped = Vector512.Min(Vector512.Max(x, Vector512.Create(-SigmoidLimit)), Vector512.Create(SigmoidLimit));
        var s = Vector512<double>.One / (Vector512<double>.One + Exp(-clamped));
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), s, x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Exp(Vector256<double> x)
    {
        var t = Fma(x, Vector256.Create(Log2E), Vector256.Create(Shifter));
        var n = t - Vector256.Create(Shifter);
        var r = Fma(n, Vector256.Create(-Ln2Hi), x);
        r = Fma(n, Vector256.Create(-Ln2Lo), r);
        // Estrin's scheme: the same polynomial with a quarter of Horner's dependency chain.
        var r2 = r * r;
        var r4 = r2 * r2;
        var r8 = r4 * r4;
        var q0 = r + Vector256<double>.One;
        var q1 = Fma(Vector256.Create(C3), r, Vector256.Create(C2));
        var q2 = Fma(Vector256.Create(C5), r, Vector256.Create(C4));
        var q3 = Fma(Vector256.Create(C7), r, Vector256.Create(C6));
        var q4 = Fma(Vector256.Create(C9), r, Vector256.Create(C8));
        var q5 = Fma(Vector256.Create(C11), r, Vector256.Create(C10));
        var s0 = Fma(q1, r2, q0);
        var s1 = Fma(q3, r2, q2);
        var s2 = Fma(q5, r2, q4);
        var p = Fma(s2, r8, Fma(s1, r4, s0));
        var scale = (Vector256.ShiftLeft(t.AsUInt64(), 52) + Vector256.Create(Bias)).AsDouble();
        return p * scale;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Tanh(Vector256<double> x)
    {
        var a = Vector256.Min(Vector256.Abs(x), Vector256.Create(TanhLimit));
        var e = Exp(a + a);
        var large = Vector256<double>.One - Vector256.Create(2.0) / (e + Vector256<double>.One);
        var a2 = a * a;
        var q = Fma(Vector256.Create(T11), a2, Vector256.Create(T9));
        q = Fma(q, a2, Vector256.Create(T7));
        q = Fma(q, a2, Vector256.Create(T5));
        q = Fma(q, a2, Vector256.Create(T3));
        var small = Fma(a * a2, q, a);
        var magnitude = Vector256.ConditionalSelect(Vector256.LessThan(a, Vector256.Create(SmallTanh)), small, large);
        var signed = magnitude | (x & Vector256.Create(-0.0));
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), signed, x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Sigmoid(Vector256<double> x)
    {
        var clamped = Vector256.Min(Vector256.Max(x, Vector256.Create(-SigmoidLimit)), Vector256.Create(SigmoidLimit));
        var s = Vector256<double>.One / (Vector256<double>.One + Exp(-clamped));
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), s, x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> Exp(Vector128<double> x)
    {
        var t = Fma(x, Vector128.Create(Log2E), Vector128.Create(Shifter));
        var n = t - Vector128.Create(Shifter);
        var r = Fma(n, Vector128.Create(-Ln2Hi), x);
        r = Fma(n, Vector128.Create(-Ln2Lo), r);
        // Estrin's scheme: the same polynomial with a quarter of Horner's dependency chain.
        var r2 = r * r;
        var r4 = r2 * r2;
        var r8 = r4 * r4;
        var q0 = r + Vector128<double>.One;
        var q1 = Fma(Vector128.Create(C3), r, Vector128.Create(C2));
        var q2 = Fma(Vector128.Create(C5), r, Vector128.Create(C4));
        var q3 = Fma(Vector128.Create(C7), r, Vector128.Create(C6));
        var q4 = Fma(Vector128.Create(C9), r, Vector128.Create(C8));
        var q5 = Fma(Vector128.Create(C11), r, Vector128.Create(C10));
        var s0 = Fma(q1, r2, q0);
        var s1 = Fma(q3, r2, q2);
        var s2 = Fma(q5, r2, q4);
        var p = Fma(s2, r8, Fma(s1, r4, s0));
        var scale = (Vector128.ShiftLeft(t.AsUInt64(), 52) + Vector128.Create(Bias)).AsDouble();
        return p * scale;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> Tanh(Vector128<double> x)
    {
        var a = Vector128.Min(Vector128.Abs(x), Vector128.Create(TanhLimit));
        var e = Exp(a + a);
        var large = Vector128<double>.One - Vector128.Create(2.0) / (e + Vector128<double>.One);
        var a2 = a * a;
        var q = Fma(Vector128.Create(T11), a2, Vector128.Create(T9));
        q = Fma(q, a2, Vector128.Create(T7));
        q = Fma(q, a2, Vector128.Create(T5));
        q = Fma(q, a2, Vector128.Create(T3));
        var small = Fma(a * a2, q, a);
        var magnitude = Vector128.ConditionalSelect(Vector128.LessThan(a, Vector128.Create(SmallTanh)), small, large);
        var signed = magnitude | (x & Vector128.Create(-0.0));
        return Vector128.ConditionalSelect(Vector128.Equals(x, x), signed, x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> Sigmoid(Vector128<double> x)
    {
        var clamped = Vector128.Min(Vector128.Max(x, Vector128.Create(-SigmoidLimit)), Vector128.Create(SigmoidLimit));
        var s = Vector128<double>.One / (Vector128<double>.One + Exp(-clamped));
        return Vector128.ConditionalSelect(Vector128.Equals(x, x), s, x);
    }
}
