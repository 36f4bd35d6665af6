using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ShapeGen.Runtime;

/// <summary>
/// Activation passes for generated networks, for the functions that are not fused into a kernel's store
/// (ReLU and ReLU6 are). Transcendental functions are evaluated in double and rounded once, so results sit
/// within float rounding of TensorFlow's.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Activations
{
    private const double SeluAlpha = 1.6732632423543772848170429916717;
    private const double SeluScale = 1.0507009873554804934193349852946;

    /// <summary>Applies <paramref name="activation"/> elementwise from <paramref name="source"/> to <paramref name="destination"/> (may be the same place).</summary>
    public static void Apply(Activation activation, ref float source, ref float destination, int count)
    {
        var x = MemoryMarshal.CreateReadOnlySpan(ref source, count);
        var y = MemoryMarshal.CreateSpan(ref destination, count);
        if (activation == Activation.Softmax)
            throw new ArgumentException("Softmax needs the axis length; call Softmax.", nameof(activation));
        if (activation is Activation.Tanh or Activation.Sigmoid)
        {
            // The same double-precision evaluation, vectorised (VectorMath).
            VectorMath.Apply(activation, ref source, ref destination, count);
            return;
        }
        for (int i = 0; i < y.Length; i++) y[i] = Scalar(activation, x[i]);
    }

    /// <summary>Softmax over the last axis: <paramref name="rows"/> vectors of <paramref name="length"/> values.</summary>
    public static void Softmax(ref float source, ref float destination, int rows, int length)
    {
        var all = MemoryMarshal.CreateReadOnlySpan(ref source, rows * length);
        var result = MemoryMarshal.CreateSpan(ref destination, rows * length);
        for (int r = 0; r < rows; r++)
        {
            var x = all.Slice(r * length, length);
            var y = result.Slice(r * length, length);
            float max = float.NegativeInfinity;
            for (int i = 0; i < x.Length; i++) max = MathF.Max(max, x[i]);
            double sum = 0;
            for (int i = 0; i < x.Length; i++)
            {
                float e = (float)Math.Exp(x[i] - max);
                y[i] = e;
                sum += e;
            }
            float inverse = (float)(1.0 / sum);
            for (int i = 0; i < y.Length; i++) y[i] *= inverse;
        }
    }

    /// <summary>One value of an elementwise activation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Scalar(Activation activation, float x)
    {
        switch (activation)
        {
            case Activation.Relu: return MathF.Max(x, 0f);
            case Activation.Relu6: return MathF.Min(MathF.Max(x, 0f), 6f);
            case Activation.Sigmoid: return (float)(1.0 / (1.0 + Math.Exp(-x)));
            case Activation.Tanh: return (float)Math.Tanh(x);
            case Activation.Elu: return x > 0 ? x : (float)(Math.Exp(x) - 1.0);
            case Activation.Selu: return (float)(x > 0 ? SeluScale * x : SeluScale * SeluAlpha * (Math.Exp(x) - 1.0));
            case Activation.Softplus: return (float)Softplus(x);
            case Activation.HardSigmoid: return MathF.Min(MathF.Max(0.2f * x + 0.5f, 0f), 1f);
            case Activation.Swish: return (float)(x / (1.0 + Math.Exp(-x)));
            default: return x;
        }
    }

    private static double Softplus(double x) => x > 30 ? x : x < -30 ? Math.Exp(x) : Math.Log(1.0 + Math.Exp(x));
}
