using System;
using System.Linq;
using ShapeGen.Generators.Engine;

namespace ShapeGen.Generators.Generation.Forward;

/// <summary>Element-wise kernels: batch normalization as scale and shift, sums of tensors, and activations no kernel fuses.</summary>
internal static partial class KernelEmitter
{
    private static void ScaleShift(SourceWriter w, ScaleShiftStep s, VectorWidth v)
    {
        Constants(w, ("Pixels", s.Pixels), ("Channels", s.Channels), ("VectorEnd", s.Channels / v.Lanes * v.Lanes));
        w.Line($"ref float scale = ref {At("weights", I(s.Offset))};");
        w.Line($"ref float shift = ref {At("weights", I(s.Offset + s.PaddedChannels))};");
        w.Open("for (int p = 0; p < Pixels; p++)");
        w.Line($"ref float input = ref {At("source", "p * Channels")};");
        w.Line($"ref float output = ref {At("destination", "p * Channels")};");
        w.Open($"for (int c = 0; c < VectorEnd; c += {v.Lanes})");
        w.Line(Store(v, Activate($"{Simd}.Fma({Load(v, "input", "c")}, {Load(v, "scale", "c")}, {Load(v, "shift", "c")})", s.Activation), "output", "c"));
        w.Close();
        if (s.Channels % v.Lanes != 0)
        {
            w.Open("for (int c = VectorEnd; c < Channels; c++)");
            w.Line($"{At("output", "c")} = {ActivateScalar($"global::System.MathF.FusedMultiplyAdd({At("input", "c")}, {At("scale", "c")}, {At("shift", "c")})", s.Activation)};");
            w.Close();
        }
        w.Close();
    }

    private static void Add(SourceWriter w, AddStep s, VectorWidth v)
    {
        Constants(w, ("VectorEnd", s.Elements / v.Lanes * v.Lanes));
        if (s.Elements % v.Lanes != 0) Constants(w, ("Elements", s.Elements));
        int count = s.Sources.Length;
        // Keras adds the inputs in order: ((a + b) + c).
        string Sum(Func<int, string> term) => string.Join(" + ", Enumerable.Range(0, count).Select(term));
        w.Open($"for (int i = 0; i < VectorEnd; i += {v.Lanes})");
        w.Line(Store(v, Activate(Sum(k => Load(v, $"source{k}", "i")), s.Activation), "destination", "i"));
        w.Close();
        if (s.Elements % v.Lanes != 0)
        {
            w.Open("for (int i = VectorEnd; i < Elements; i++)");
            w.Line($"{At("destination", "i")} = {ActivateScalar(Sum(k => At($"source{k}", "i")), s.Activation)};");
            w.Close();
        }
    }

    private static void ActivationPass(SourceWriter w, ActivationStep s)
    {
        w.Line(ActivationCall(s, "source", "destination") + ";");
    }

    /// <summary>The runtime call for an activation that no kernel fuses.</summary>
    public static string ActivationCall(ForwardStep s, string source, string destination)
    {
        if (s.Activation == ActivationKind.Softmax)
            return $"global::ShapeGen.Runtime.Activations.Softmax(ref {source}, ref {destination}, {I(s.OutputElements / s.LastAxis)}, {I(s.LastAxis)})";
        if (s.Activation is ActivationKind.Linear or ActivationKind.Relu or ActivationKind.Relu6 && s is not ActivationStep)
            throw new InvalidOperationException("Fused activations need no pass.");
        return $"global::ShapeGen.Runtime.Activations.Apply(global::ShapeGen.Activation.{s.Activation}, ref {source}, ref {destination}, {I(s.OutputElements)})";
    }
}
