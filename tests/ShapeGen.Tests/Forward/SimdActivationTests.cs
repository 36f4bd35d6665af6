using System.Runtime.Intrinsics;
using ShapeGen.Runtime;

namespace ShapeGen.Tests.Forward;

/// <summary>
/// The vector ReLU and ReLU6 that generated kernels fuse into their stores give, bit for bit, what the scalar code
/// (<c>MathF.Max</c>, <c>MathF.Min</c>) gives for every kind of input, at every vector width: NaN stays NaN, -0 becomes
/// +0. (test.sh runs this class again with AVX-512 and AVX2 turned off, which exercises the other hardware paths.)
/// </summary>
public sealed class SimdActivationTests
{
    private static readonly float[] Inputs =
    [
        float.NaN, -float.NaN, -0f, 0f, -1f, 1f, 5.999999f, 6f, 6.000001f, 1e30f, -1e30f,
        float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, -float.Epsilon, 1.17549435e-38f, -2.5f,
    ];

    private static float ScalarRelu(float x) => MathF.Max(x, 0f);
    private static float ScalarRelu6(float x) => MathF.Min(MathF.Max(x, 0f), 6f);

    [Fact]
    public void Relu_matches_the_scalar_ReLU_at_every_width() =>
        AssertEveryWidth(Simd.Relu, Simd.Relu, Simd.Relu, ScalarRelu);

    [Fact]
    public void Relu6_matches_the_scalar_ReLU6_at_every_width() =>
        AssertEveryWidth(Simd.Relu6, Simd.Relu6, Simd.Relu6, ScalarRelu6);

    private static void AssertEveryWidth(
        Func<Vector512<float>, Vector512<float>> wide,
        Func<Vector256<float>, Vector256<float>> middle,
        Func<Vector128<float>, Vector128<float>> narrow,
        Func<float, float> scalar)
    {
        foreach (float x in Inputs)
        {
            // Each input in a different lane on each call, the other lanes other inputs: lanes must not leak.
            for (int lane = 0; lane < Vector512<float>.Count; lane++)
            {
                var lanes = new float[Vector512<float>.Count];
                for (int i = 0; i < lanes.Length; i++) lanes[i] = Inputs[(i + lane) % Inputs.Length];
                lanes[lane] = x;
                AssertLanes(lanes, wide(Vector512.Create(lanes)), scalar);
                if (lane < Vector256<float>.Count) AssertLanes(lanes[..Vector256<float>.Count], middle(Vector256.Create(lanes[..Vector256<float>.Count])), scalar);
                if (lane < Vector128<float>.Count) AssertLanes(lanes[..Vector128<float>.Count], narrow(Vector128.Create(lanes[..Vector128<float>.Count])), scalar);
            }
        }
    }

    private static void AssertLanes<TVector>(float[] inputs, TVector result, Func<float, float> scalar)
        where TVector : struct
    {
        float[] actual = result switch
        {
            Vector512<float> v => ToArray(v),
            Vector256<float> v => ToArray(v),
            Vector128<float> v => ToArray(v),
            _ => throw new ArgumentException(typeof(TVector).Name),
        };
        for (int i = 0; i < inputs.Length; i++)
        {
            float expected = scalar(inputs[i]);
            // NaN payloads may differ between the scalar and the vector path; any NaN is a NaN.
            if (float.IsNaN(expected)) Assert.True(float.IsNaN(actual[i]), $"f({inputs[i]}) = {actual[i]}, expected NaN");
            else Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual[i]),
                $"f({inputs[i]:R}) = {actual[i]:R} (bits {BitConverter.SingleToInt32Bits(actual[i]):X8}), expected {expected:R} (bits {BitConverter.SingleToInt32Bits(expected):X8})");
        }
    }

    private static float[] ToArray(Vector512<float> v) { var a = new float[Vector512<float>.Count]; v.CopyTo(a); return a; }
    private static float[] ToArray(Vector256<float> v) { var a = new float[Vector256<float>.Count]; v.CopyTo(a); return a; }
    private static float[] ToArray(Vector128<float> v) { var a = new float[Vector128<float>.Count]; v.CopyTo(a); return a; }
}
