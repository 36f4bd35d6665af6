using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ShapeGen.Generators.Engine;
using ShapeGen.Generators.Generation.Forward;

namespace ShapeGen.Generators.Generation;

/// <summary>
/// The constructor (Keras-order weights, repacked once) and the Forward methods. Forward takes a per-thread
/// workspace allocated on first use, so after warm-up it never allocates and instances can be shared by threads.
/// </summary>
internal static class ForwardEmitter
{
    public static void Write(SourceWriter w, TypeModel type, NetworkAnalysis network, ForwardPlan plan, string summary)
    {
        string generated = NetworkEmitter.GeneratedCodeAttribute;
        var offsets = plan.BufferOffsets();

        w.Line("/// <summary>Floats in the repacked weights (channels padded to whole vectors, BatchNormalization folded).</summary>");
        w.Line($"private const int PackedWeightCount = {plan.PackedFloats};");
        w.Line("/// <summary>Floats of scratch memory each thread uses for intermediate activations.</summary>");
        w.Line($"private const int WorkspaceSize = {plan.WorkspaceFloats};");
        foreach (var entry in offsets)
        {
            w.Line($"private const int {OffsetName(entry.Key)} = {entry.Value};");
        }
        w.Line();
        w.Line(generated);
        w.Line("private readonly float[] _weights;");
        w.Line(generated);
        w.Line("private readonly int _weightsOffset;");
        w.Line("[global::System.ThreadStatic]");
        w.Line("private static float[]? t_workspace;");
        w.Line("[global::System.ThreadStatic]");
        w.Line("private static int t_workspaceOffset;");
        w.Line();

        WriteConstructor(w, type, network, plan);
        WriteForward(w, type, network, summary);
        WriteRun(w, plan, offsets);

        foreach (var width in VectorWidth.All)
        {
            for (int i = 0; i < plan.Steps.Count; i++)
            {
                KernelEmitter.Write(w, i, plan.Steps[i], width);
            }
        }
    }

    private static void WriteConstructor(SourceWriter w, TypeModel type, NetworkAnalysis network, ForwardPlan plan)
    {
        w.Line("/// <summary>");
        w.Line($"/// Creates the network from its {SummaryFormatter.Count(network.Parameters)} parameters in Keras <c>model.get_weights()</c> order, each array");
        w.Line("/// flattened row-major and concatenated (convolution kernels <c>[kh, kw, in, out]</c> then bias, Dense <c>[in, units]</c> then bias,");
        w.Line("/// BatchNormalization gamma, beta, moving mean, moving variance). The weights are copied and repacked; the span is not kept.");
        w.Line("/// </summary>");
        w.Line($"/// <exception cref=\"global::System.ArgumentException\"><paramref name=\"parameters\"/> does not hold exactly {SummaryFormatter.Count(network.Parameters)} floats.</exception>");
        w.Line(NetworkEmitter.GeneratedCodeAttribute);
        w.Open($"public {type.Identifier}(global::System.ReadOnlySpan<float> parameters)");
        w.Open("if (parameters.Length != ParameterCount)");
        w.Line($"throw new global::System.ArgumentException($\"{type.Name} needs {{ParameterCount:N0}} parameters (Keras get_weights() order), but {{parameters.Length:N0}} were given.\", nameof(parameters));");
        w.Close();
        w.Line("_weights = global::ShapeGen.Runtime.AlignedMemory.Allocate(PackedWeightCount, out _weightsOffset);");
        w.Line("var packed = new global::System.Span<float>(_weights, _weightsOffset, PackedWeightCount);");
        foreach (var statement in plan.PackingStatements) w.Line(statement);
        w.Close();
        w.Line();
    }

    private static void WriteForward(SourceWriter w, TypeModel type, NetworkAnalysis network, string summary)
    {
        string generated = NetworkEmitter.GeneratedCodeAttribute;
        w.Line("/// <summary>");
        w.Line($"/// Runs one sample: <paramref name=\"input\"/> holds {CSharpLiterals.XmlEscape(Shapes.Dims(network.InputShape))} floats (channels last), <paramref name=\"output\"/> receives {CSharpLiterals.XmlEscape(Shapes.Dims(network.OutputShape))}.");
        w.Line("/// Allocation-free after the first call on a thread; safe to call from several threads at once. The layers it runs:");
        NetworkEmitter.WriteTable(w, summary);
        w.Line("/// </summary>");
        w.Line(generated);
        w.Open("public void Forward(global::System.ReadOnlySpan<float> input, global::System.Span<float> output)");
        w.Line($"if (input.Length != InputSize) throw new global::System.ArgumentException($\"{type.Name} takes {{InputSize}} input values ({Shapes.Dims(network.InputShape)}), but {{input.Length}} were given.\", nameof(input));");
        w.Line($"if (output.Length != OutputSize) throw new global::System.ArgumentException($\"{type.Name} writes {{OutputSize}} output values ({Shapes.Dims(network.OutputShape)}), but the output span holds {{output.Length}}.\", nameof(output));");
        w.Line($"Run(ref {KernelEmitter.Memory}.GetReference(input), ref {KernelEmitter.Memory}.GetReference(output), ref Workspace());");
        w.Close();
        w.Line();
        w.Line("/// <summary>Runs <paramref name=\"batchSize\"/> samples stored back to back in <paramref name=\"inputs\"/> and <paramref name=\"outputs\"/>.</summary>");
        w.Line(generated);
        w.Open("public void Forward(global::System.ReadOnlySpan<float> inputs, global::System.Span<float> outputs, int batchSize)");
        w.Line("if (batchSize < 0) throw new global::System.ArgumentOutOfRangeException(nameof(batchSize), batchSize, \"The batch size cannot be negative.\");");
        w.Line($"if (inputs.Length != (long)batchSize * InputSize) throw new global::System.ArgumentException($\"{type.Name} takes {{batchSize}} × {{InputSize}} input values, but {{inputs.Length}} were given.\", nameof(inputs));");
        w.Line($"if (outputs.Length != (long)batchSize * OutputSize) throw new global::System.ArgumentException($\"{type.Name} writes {{batchSize}} × {{OutputSize}} output values, but the output span holds {{outputs.Length}}.\", nameof(outputs));");
        w.Line("ref float workspace = ref Workspace();");
        w.Open("for (int sample = 0; sample < batchSize; sample++)");
        w.Line($"Run(ref {KernelEmitter.Memory}.GetReference(inputs.Slice(sample * InputSize, InputSize)), ref {KernelEmitter.Memory}.GetReference(outputs.Slice(sample * OutputSize, OutputSize)), ref workspace);");
        w.Close();
        w.Close();
        w.Line();
        w.Line("/// <summary>This thread's scratch memory, allocated (pinned, aligned) on its first Forward.</summary>");
        w.Line(generated);
        w.Open("private static ref float Workspace()");
        w.Open("if (t_workspace is null)");
        w.Line("t_workspace = global::ShapeGen.Runtime.AlignedMemory.Allocate(WorkspaceSize, out t_workspaceOffset);");
        w.Close();
        w.Line("return ref global::ShapeGen.Runtime.AlignedMemory.Start(t_workspace, t_workspaceOffset);");
        w.Close();
        w.Line();
    }

    private static string OffsetName(string buffer) => char.ToUpperInvariant(buffer[0]) + buffer.Substring(1) + "Offset";

    private static void WriteRun(SourceWriter w, ForwardPlan plan, IReadOnlyList<KeyValuePair<string, long>> offsets)
    {
        string generated = NetworkEmitter.GeneratedCodeAttribute;
        w.Line(generated);
        w.Open("private void Run(ref float input, ref float output, ref float workspace)");
        w.Line("ref float weights = ref global::ShapeGen.Runtime.AlignedMemory.Start(_weights, _weightsOffset);");
        w.Line("if (global::System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) Run512(ref input, ref output, ref workspace, ref weights);");
        w.Line("else if (global::System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated) Run256(ref input, ref output, ref workspace, ref weights);");
        w.Line("else Run128(ref input, ref output, ref workspace, ref weights);");
        w.Close();
        w.Line();

        foreach (var width in VectorWidth.All)
        {
            w.Line(generated);
            w.Open($"private static void Run{width.Suffix}(ref float input, ref float output, ref float workspace, ref float weights)");
            foreach (var buffer in offsets.Select(entry => entry.Key))
            {
                w.Line($"ref float {buffer} = ref {KernelEmitter.Unsafe}.Add(ref workspace, {OffsetName(buffer)});");
            }
            for (int i = 0; i < plan.Steps.Count; i++)
            {
                var step = plan.Steps[i];
                string sources = string.Join(", ", step.Sources.Select(b => "ref " + b)), destination = step.Destination;
                w.Line($"{KernelEmitter.MethodName(i, step, width)}({sources}, ref {destination}, ref weights);");
                if (step is not ActivationStep && !KernelEmitter.FusesInStore(step.Activation) && !SmallConvolutionEmitter.FusesActivation(step))
                {
                    w.Line(KernelEmitter.ActivationCall(step, destination, destination) + ";");
                }
            }
            w.Close();
            w.Line();
        }
    }
}
