using System;
using System.Collections.Generic;
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
        int? batched = BatchedDense.Find(plan);
        long groupInputFloats = 0, groupOutputFloats = 0;
        if (batched is int b && plan.Steps[b] is ConvolutionStep dense)
        {
            groupInputFloats = ForwardPlan.Align((long)BatchedDense.GroupSize * dense.Channels);
            groupOutputFloats = ForwardPlan.Align((long)BatchedDense.GroupSize * dense.Filters);
        }
        w.Line("/// <summary>Floats of scratch memory each thread uses for intermediate activations.</summary>");
        w.Line($"private const int WorkspaceSize = {plan.WorkspaceFloats + groupInputFloats + groupOutputFloats};");
        if (batched is not null)
        {
            w.Line($"/// <summary>Where batch calls keep {BatchedDense.GroupSize} samples' inputs and outputs of the Dense layer they run over groups.</summary>");
            w.Line($"private const int GroupInputOffset = {plan.WorkspaceFloats};");
            w.Line($"private const int GroupOutputOffset = {plan.WorkspaceFloats + groupInputFloats};");
        }
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
        w.Line("/// <summary>Backs <see cref=\"MaxDegreeOfParallelism\"/>; 0 (a default struct) reads as 1.</summary>");
        w.Line(generated);
        w.Line($"private {(type.IsReadOnly ? "readonly " : "")}int _maxDegreeOfParallelism;");
        w.Line();

        WriteConstructor(w, type, network, plan);
        WriteDegreeOfParallelism(w, type, plan);
        WriteForward(w, type, network, summary, batched: batched is not null);
        WriteProfile(w, type, network, plan);
        WriteRun(w, plan, offsets);
        if (batched is int d) WriteRunBatch(w, plan, offsets, d);

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
        foreach (var statement in plan.LayoutStatements) w.Line(statement);
        w.Close();
        w.Line();
    }

    private static void WriteForward(SourceWriter w, TypeModel type, NetworkAnalysis network, string summary, bool batched)
    {
        string generated = NetworkEmitter.GeneratedCodeAttribute;
        w.Line("/// <summary>");
        w.Line($"/// Runs one sample: <paramref name=\"input\"/> holds {CSharpLiterals.XmlEscape(Shapes.Dims(network.InputShape))} floats (channels last), <paramref name=\"output\"/> receives {CSharpLiterals.XmlEscape(Shapes.Dims(network.OutputShape))}.");
        w.Line("/// Allocation-free after the first call on a thread; safe to call from several threads at once. With");
        w.Line("/// <see cref=\"MaxDegreeOfParallelism\"/> above 1 its large convolutions split their output rows among threads. The layers it runs:");
        NetworkEmitter.WriteTable(w, summary);
        w.Line("/// </summary>");
        w.Line(generated);
        w.Open("public void Forward(global::System.ReadOnlySpan<float> input, global::System.Span<float> output)");
        w.Line($"if (input.Length != InputSize) throw new global::System.ArgumentException($\"{type.Name} takes {{InputSize}} input values ({Shapes.Dims(network.InputShape)}), but {{input.Length}} were given.\", nameof(input));");
        w.Line($"if (output.Length != OutputSize) throw new global::System.ArgumentException($\"{type.Name} writes {{OutputSize}} output values ({Shapes.Dims(network.OutputShape)}), but the output span holds {{output.Length}}.\", nameof(output));");
        w.Line($"Run(ref {KernelEmitter.Memory}.GetReference(input), ref {KernelEmitter.Memory}.GetReference(output), ref Workspace(), ref {Weights}, _maxDegreeOfParallelism);");
        w.Close();
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Runs <paramref name=\"batchSize\"/> samples stored back to back in <paramref name=\"inputs\"/> and <paramref name=\"outputs\"/>.");
        w.Line("/// With <see cref=\"MaxDegreeOfParallelism\"/> above 1 the samples are shared out among that many threads (each sample");
        w.Line("/// runs on one thread, as in a single-sample call); a batch smaller than the thread count runs one sample at a time,");
        w.Line("/// each split by rows like a single-sample call. The outputs are the same either way, bit for bit.");
        w.Line("/// </summary>");
        w.Line(generated);
        w.Open("public void Forward(global::System.ReadOnlySpan<float> inputs, global::System.Span<float> outputs, int batchSize)");
        w.Line("if (batchSize < 0) throw new global::System.ArgumentOutOfRangeException(nameof(batchSize), batchSize, \"The batch size cannot be negative.\");");
        w.Line($"if (inputs.Length != (long)batchSize * InputSize) throw new global::System.ArgumentException($\"{type.Name} takes {{batchSize}} × {{InputSize}} input values, but {{inputs.Length}} were given.\", nameof(inputs));");
        w.Line($"if (outputs.Length != (long)batchSize * OutputSize) throw new global::System.ArgumentException($\"{type.Name} writes {{batchSize}} × {{OutputSize}} output values, but the output span holds {{outputs.Length}}.\", nameof(outputs));");
        w.Line("int degree = _maxDegreeOfParallelism;");
        w.Line($"ref float weights = ref {Weights};");
        w.Open($"if (degree > 1 && batchSize > 1 && batchSize >= {Splitter}.EffectiveDegree(degree))");
        w.Line(batched
            ? $"// Groups of {BatchedDense.GroupSize} samples per thread, each thread in its own workspace: no synchronisation inside a sample."
            : "// Whole samples per thread, each thread in its own workspace: no synchronisation inside a sample.");
        w.Line($"{Splitter}.SplitSamples(degree, batchSize, {(batched ? $"samplesPerChunk: {BatchedDense.GroupSize}, " : "")}(ref float batchInputs, ref float batchOutputs, ref float batchWeights, int first, int end) => RunSamples(ref batchInputs, ref batchOutputs, ref batchWeights, first, end),");
        w.Line($"    ref {KernelEmitter.Memory}.GetReference(inputs), ref {KernelEmitter.Memory}.GetReference(outputs), ref weights);");
        w.Line("return;");
        w.Close();
        w.Line("ref float workspace = ref Workspace();");
        if (batched)
        {
            w.Open("if (degree <= 1)");
            w.Line($"RunBatch(ref {KernelEmitter.Memory}.GetReference(inputs), ref {KernelEmitter.Memory}.GetReference(outputs), ref workspace, ref weights, 0, batchSize);");
            w.Line("return;");
            w.Close();
        }
        w.Open("for (int sample = 0; sample < batchSize; sample++)");
        w.Line($"Run(ref {KernelEmitter.Memory}.GetReference(inputs.Slice(sample * InputSize, InputSize)), ref {KernelEmitter.Memory}.GetReference(outputs.Slice(sample * OutputSize, OutputSize)), ref workspace, ref weights, degree);");
        w.Close();
        w.Close();
        w.Line();
        w.Line("/// <summary>Samples <paramref name=\"first\"/> to <paramref name=\"end\"/> (exclusive) of a batch, one at a time in this thread's workspace.</summary>");
        w.Line(generated);
        w.Open("private static void RunSamples(ref float inputs, ref float outputs, ref float weights, int first, int end)");
        w.Line("ref float workspace = ref Workspace();");
        if (batched)
        {
            w.Line("RunBatch(ref inputs, ref outputs, ref workspace, ref weights, first, end);");
        }
        else
        {
            w.Open("for (int sample = first; sample < end; sample++)");
            w.Line($"Run(ref {KernelEmitter.Unsafe}.Add(ref inputs, (nint)sample * InputSize), ref {KernelEmitter.Unsafe}.Add(ref outputs, (nint)sample * OutputSize), ref workspace, ref weights, 1);");
            w.Close();
        }
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

    private const string Splitter = "global::ShapeGen.Runtime.WorkSplitter";
    private const string Weights = "global::ShapeGen.Runtime.AlignedMemory.Start(_weights, _weightsOffset)";

    private static void WriteDegreeOfParallelism(SourceWriter w, TypeModel type, ForwardPlan plan)
    {
        // Split steps, and pools that run in the chunks of the split step before them.
        var paired = PairedPools(plan);
        var split = plan.Steps.Where(step => ParallelSplit.IsSplit(step) || paired.ContainsKey(step.LayerName)).ToList();
        long total = plan.Steps.Sum(ParallelSplit.MultiplyAdds);
        w.Line("/// <summary>");
        w.Line("/// The most threads one <c>Forward</c> call may use; 1 (the default) runs everything on the calling thread. Above 1, a");
        w.Line("/// single-sample <c>Forward</c> splits the output rows of its large convolutions (and the max/average poolings between them");
        w.Line("/// that are large or that read only the rows the same thread just wrote), and the filters of its large Dense layers, among");
        w.Line("/// that many threads (the caller and pool threads of ShapeGen's own),");
        w.Line($"/// and runs every other layer on the caller; layers of fewer than {SummaryFormatter.Count(ParallelSplit.MinimumMultiplyAdds)} multiply-adds are not worth a split.");
        w.Line("/// A batch <c>Forward</c> shares its samples out among the threads instead.");
        w.Line("/// Results are bit-for-bit those of 1 thread. Values above <see cref=\"global::System.Environment.ProcessorCount\"/> use that");
        w.Line("/// many threads. Calls from several threads at once stay safe; they share the pool threads.");
        if (split.Count == 0)
        {
            w.Line("/// <para>In this network no layer is large enough to split: only batch calls gain.</para>");
        }
        else
        {
            long splitMultiplyAdds = split.Sum(ParallelSplit.MultiplyAdds);
            var layers = split.Select(s => s.LayerName).Distinct().Select(CSharpLiterals.XmlEscape);
            w.Line($"/// <para>In this network: {string.Join(", ", layers)}, {SummaryFormatter.Count(splitMultiplyAdds)} of the {SummaryFormatter.Count(total)} multiply-adds of its convolution and Dense layers.</para>");
        }
        w.Line("/// </summary>");
        w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\">The value is less than 1.</exception>");
        w.Line(NetworkEmitter.GeneratedCodeAttribute);
        w.Open("public int MaxDegreeOfParallelism");
        w.Line("get => _maxDegreeOfParallelism > 1 ? _maxDegreeOfParallelism : 1;");
        w.Open(type.IsReadOnly ? "init" : "set"); // a readonly struct's field can only be set while it is initialised
        w.Line("if (value < 1) throw new global::System.ArgumentOutOfRangeException(nameof(value), value, \"MaxDegreeOfParallelism must be at least 1.\");");
        w.Line("_maxDegreeOfParallelism = value;");
        w.Close();
        w.Close();
        w.Line();
    }

    /// <summary>The public per-layer profiling entry point: the same kernels as Forward, timed one by one.</summary>
    private static void WriteProfile(SourceWriter w, TypeModel type, NetworkAnalysis network, ForwardPlan plan)
    {
        string generated = NetworkEmitter.GeneratedCodeAttribute;
        string Literal(string? value) => value is null ? "null" : CSharpLiterals.String(value);
        w.Line("/// <summary>The layer each kernel of the forward pass belongs to, in the order they run.</summary>");
        w.Line(generated);
        w.Line($"private static readonly string[] s_kernelLayers = {{ {string.Join(", ", plan.Steps.Select(step => Literal(step.LayerName)))} }};");
        w.Line("/// <summary>What each kernel does, in the order they run.</summary>");
        w.Line(generated);
        w.Line($"private static readonly string[] s_kernelDescriptions = {{ {string.Join(", ", plan.Steps.Select(step => Literal(KernelEmitter.Describe(step))))} }};");
        w.Line("/// <summary>For each layer with no kernel of its own (folded or fused), the layer whose kernel does its work.</summary>");
        w.Line(generated);
        w.Line($"private static readonly string?[] s_runsIn = {{ {string.Join(", ", network.Layers.Select(layer => Literal(plan.RunsIn.TryGetValue(layer.Name, out var host) ? host : null)))} }};");
        var paired = PairedPools(plan);
        if (paired.Count > 0)
        {
            w.Line("/// <summary><see cref=\"s_runsIn\"/> on several threads, where pools run in the chunks of the convolution before them.</summary>");
            w.Line(generated);
            w.Line($"private static readonly string?[] s_runsInSplit = {{ {string.Join(", ", network.Layers.Select(layer => Literal(plan.RunsIn.TryGetValue(layer.Name, out var host) ? host : paired.TryGetValue(layer.Name, out var producer) ? producer : null)))} }};");
        }
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Times every layer of <see cref=\"Forward(global::System.ReadOnlySpan{float}, global::System.Span{float})\"/> as it runs with <see cref=\"MaxDegreeOfParallelism\"/>: one warm-up pass, then");
        w.Line("/// <paramref name=\"iterations\"/> passes with a timestamp after each kernel. Returns the median µs, multiply-adds and GFLOP/s per layer;");
        w.Line("/// <c>ToTable()</c> formats them. Meant for finding where time goes, not for the hot path (it allocates the result).");
        w.Line("/// </summary>");
        w.Line($"/// <param name=\"input\">One sample, {CSharpLiterals.XmlEscape(Shapes.Dims(network.InputShape))} floats (channels last).</param>");
        w.Line("/// <param name=\"iterations\">Timed passes; more gives steadier medians.</param>");
        w.Line(generated);
        w.Open("public global::ShapeGen.ForwardProfile Profile(global::System.ReadOnlySpan<float> input, int iterations = 200)");
        w.Line($"if (input.Length != InputSize) throw new global::System.ArgumentException($\"{type.Name} takes {{InputSize}} input values ({Shapes.Dims(network.InputShape)}), but {{input.Length}} were given.\", nameof(input));");
        w.Line("if (iterations < 1) throw new global::System.ArgumentOutOfRangeException(nameof(iterations), iterations, \"At least one timed pass is needed.\");");
        w.Line($"const int Stamps = {plan.Steps.Count + 1};");
        w.Line("var output = new float[OutputSize];");
        w.Line("var timestamps = new long[iterations * Stamps];");
        w.Line($"ref float source = ref {KernelEmitter.Memory}.GetReference(input);");
        w.Line($"ref float destination = ref {KernelEmitter.Memory}.GetArrayDataReference(output);");
        w.Line("ref float workspace = ref Workspace();");
        w.Line("ref float weights = ref global::ShapeGen.Runtime.AlignedMemory.Start(_weights, _weightsOffset);");
        w.Line("int degree = _maxDegreeOfParallelism;");
        w.Line("Run(ref source, ref destination, ref workspace, ref weights, degree);");
        w.Open("for (int i = 0; i < iterations; i++)");
        w.Line("var stamps = new global::System.Span<long>(timestamps, i * Stamps, Stamps);");
        w.Line("if (global::System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) Profile512(ref source, ref destination, ref workspace, ref weights, degree, stamps);");
        w.Line("else if (global::System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated) Profile256(ref source, ref destination, ref workspace, ref weights, degree, stamps);");
        w.Line("else Profile128(ref source, ref destination, ref workspace, ref weights, degree, stamps);");
        w.Close();
        string runsIn = paired.Count > 0 ? "degree > 1 ? s_runsInSplit : s_runsIn" : "s_runsIn";
        w.Line($"return global::ShapeGen.ForwardProfile.FromTimestamps({CSharpLiterals.String(type.Name)}, Layers, s_kernelLayers, s_kernelDescriptions, {runsIn}, timestamps, iterations, {Splitter}.EffectiveDegree(degree));");
        w.Close();
        w.Line();
    }

    /// <summary>The pooling layers that run in the chunks of the step before them on several threads, with that step's layer.</summary>
    private static Dictionary<string, string> PairedPools(ForwardPlan plan)
    {
        var paired = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < plan.Steps.Count; i++)
        {
            if (ParallelSplit.PoolRunsInChunksOf(plan.Steps[i], plan.Steps[i + 1])) paired[plan.Steps[i + 1].LayerName] = plan.Steps[i].LayerName;
        }
        return paired;
    }

    /// <summary>The generated constant holding a workspace buffer's offset.</summary>
    internal static string OffsetName(string buffer) => char.ToUpperInvariant(buffer[0]) + buffer.Substring(1) + "Offset";

    private static void WriteRun(SourceWriter w, ForwardPlan plan, IReadOnlyList<KeyValuePair<string, long>> offsets)
    {
        string generated = NetworkEmitter.GeneratedCodeAttribute;
        w.Line("/// <summary>One sample; <paramref name=\"degree\"/> above 1 splits the large steps' rows among threads.</summary>");
        w.Line(generated);
        w.Open("private static void Run(ref float input, ref float output, ref float workspace, ref float weights, int degree)");
        w.Line("if (global::System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) Run512(ref input, ref output, ref workspace, ref weights, degree);");
        w.Line("else if (global::System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated) Run256(ref input, ref output, ref workspace, ref weights, degree);");
        w.Line("else Run128(ref input, ref output, ref workspace, ref weights, degree);");
        w.Close();
        w.Line();

        foreach (var width in VectorWidth.All)
        {
            WriteSteps(w, plan, offsets, width, profiled: false);
        }
        foreach (var width in VectorWidth.All)
        {
            WriteSteps(w, plan, offsets, width, profiled: true);
        }
    }

    /// <summary>
    /// The step sequence for one vector width. The profiled variant makes the same calls, row splits included, with a
    /// timestamp after each kernel (written from this one method, so the two can never run different steps).
    /// </summary>
    private static void WriteSteps(SourceWriter w, ForwardPlan plan, IReadOnlyList<KeyValuePair<string, long>> offsets, VectorWidth width, bool profiled)
    {
        w.Line(NetworkEmitter.GeneratedCodeAttribute);
        w.Open(profiled
            ? $"private static void Profile{width.Suffix}(ref float input, ref float output, ref float workspace, ref float weights, int degree, global::System.Span<long> timestamps)"
            : $"private static void Run{width.Suffix}(ref float input, ref float output, ref float workspace, ref float weights, int degree)");
        foreach (var buffer in offsets.Select(entry => entry.Key).Where(buffer => !Buffers.IsKernelScratch(buffer)))
        {
            w.Line($"ref float {buffer} = ref {KernelEmitter.Unsafe}.Add(ref workspace, {OffsetName(buffer)});");
        }
        if (profiled) w.Line("timestamps[0] = global::System.Diagnostics.Stopwatch.GetTimestamp();");
        for (int i = 0; i < plan.Steps.Count; i++)
        {
            if (i + 1 < plan.Steps.Count && ParallelSplit.PoolRunsInChunksOf(plan.Steps[i], plan.Steps[i + 1]))
            {
                WritePairedCall(w, plan, i, width, profiled);
                i++;
                continue;
            }
            // (Not when the depthwise layer has a pooling paired with it: that pair keeps its one fork-join.)
            if (i + 1 < plan.Steps.Count && RowBands.Interleaves(plan.Steps[i], plan.Steps[i + 1], width)
                && !(i + 2 < plan.Steps.Count && ParallelSplit.PoolRunsInChunksOf(plan.Steps[i + 1], plan.Steps[i + 2])))
            {
                WriteBandedPair(w, plan, i, width, profiled);
                i++;
                continue;
            }
            WriteStepCall(w, plan, i, width, split: true);
            if (profiled) w.Line($"timestamps[{i + 1}] = global::System.Diagnostics.Stopwatch.GetTimestamp();");
        }
        w.Close();
        w.Line();
    }

    /// <summary>
    /// Step <paramref name="i"/> (a 1×1 convolution) and the depthwise convolution after it in bands of rows on one
    /// thread (<see cref="RowBands"/>); on several threads, each split as usual. Profiled on one thread, the depthwise
    /// calls are timed and their sum is taken off the pair's time for the convolution's (which so also carries the
    /// stamping overhead).
    /// </summary>
    private static void WriteBandedPair(SourceWriter w, ForwardPlan plan, int i, VectorWidth width, bool profiled)
    {
        var producer = (ConvolutionStep)plan.Steps[i];
        var consumer = (DepthwiseStep)plan.Steps[i + 1];
        const string Now = "global::System.Diagnostics.Stopwatch.GetTimestamp()";
        w.Open("if (degree > 1)");
        WriteStepCall(w, plan, i, width, split: true, threadedOnly: true);
        if (profiled) w.Line($"timestamps[{i + 1}] = {Now};");
        WriteStepCall(w, plan, i + 1, width, split: true, threadedOnly: true);
        if (profiled) w.Line($"timestamps[{i + 2}] = {Now};");
        w.Close();
        w.Open("else");
        w.Line($"// {producer.LayerName} and {consumer.LayerName} in bands of rows: each {consumer.LayerName} row right after the");
        w.Line($"// {producer.LayerName} rows it reads, while they are still in cache.");
        if (profiled) w.Line("long consumerTicks = 0;");
        w.Line("int produced = 0;");
        w.Open($"for (int oy = 0; oy < {KernelEmitter.I(consumer.OutH)}; oy++)");
        int reach = RowBands.Needed(producer, consumer, 0);
        string stride = consumer.StrideH == 1 ? "oy" : $"oy * {KernelEmitter.I(consumer.StrideH)}";
        w.Line($"int needed = global::System.Math.Min({KernelEmitter.I(producer.OutH)}, {stride} + {KernelEmitter.I(reach)});");
        w.Open("if (needed > produced)");
        w.Line($"{KernelEmitter.MethodName(i, producer, width)}({SourceArguments(producer)}, ref {producer.Destination}, ref weights, produced, needed);");
        w.Line("produced = needed;");
        w.Close();
        if (profiled) w.Line($"long consumerStart = {Now};");
        w.Line($"{KernelEmitter.MethodName(i + 1, consumer, width)}(ref {consumer.Sources[0]}, ref {consumer.Destination}, ref weights, oy, oy + 1);");
        if (profiled) w.Line($"consumerTicks += {Now} - consumerStart;");
        w.Close();
        if (profiled)
        {
            w.Line($"timestamps[{i + 2}] = {Now};");
            w.Line($"timestamps[{i + 1}] = timestamps[{i + 2}] - consumerTicks;");
        }
        w.Close();
    }

    /// <summary>The source arguments of a step's kernel call. A Winograd step finds its input and scratch buffers in the workspace itself.</summary>
    private static string SourceArguments(ForwardStep step)
        => step is WinogradStep ? "ref workspace" : string.Join(", ", step.Sources.Select(b => "ref " + b));

    /// <summary>
    /// Step <paramref name="i"/> and the pooling after it (<see cref="ParallelSplit.PoolRunsInChunksOf"/>): on several
    /// threads one fork-join runs both on each chunk of rows; on one thread, the two calls one after the other. Profiled
    /// on several threads, the pooling's time is counted in step <paramref name="i"/> (its own is 0).
    /// </summary>
    private static void WritePairedCall(SourceWriter w, ForwardPlan plan, int i, VectorWidth width, bool profiled)
    {
        ForwardStep step = plan.Steps[i], pool = plan.Steps[i + 1];
        string sources = SourceArguments(step);
        string method = KernelEmitter.MethodName(i, step, width), poolMethod = KernelEmitter.MethodName(i + 1, pool, width);
        string stamp(int k) => $"timestamps[{k}] = global::System.Diagnostics.Stopwatch.GetTimestamp();";
        w.Open("if (degree > 1)");
        w.Line("// The pooling's rows read only what the same rows of this step wrote: it runs in this step's chunks, on the same thread.");
        w.Line($"{Splitter}.SplitRows(degree, {ParallelSplit.Rows(step)}, chunksPerThread: {(ParallelSplit.ChunksPerThread(step, width) is int perThread ? KernelEmitter.I(perThread) : Splitter + ".ChunksPerThread")}, (ref float rowSource, ref float rowDestination, ref float rowWeights, int rowStart, int rowEnd) => {method}(ref rowSource, ref rowDestination, ref rowWeights, rowStart, rowEnd), (ref float rowSource, ref float rowDestination, ref float rowWeights, int rowStart, int rowEnd) => {poolMethod}(ref rowSource, ref rowDestination, ref rowWeights, rowStart, rowEnd), {sources}, ref {step.Destination}, ref {pool.Destination}, ref weights);");
        if (profiled)
        {
            w.Line(stamp(i + 1));
            w.Line($"timestamps[{i + 2}] = timestamps[{i + 1}];");
        }
        w.Close();
        w.Open("else");
        w.Line($"{method}({sources}, ref {step.Destination}, ref weights, 0, {ParallelSplit.Rows(step)});");
        if (profiled) w.Line(stamp(i + 1));
        w.Line($"{poolMethod}(ref {pool.Sources[0]}, ref {pool.Destination}, ref weights, 0, {ParallelSplit.Rows(pool)});");
        if (profiled) w.Line(stamp(i + 2));
        w.Close();
    }

    /// <summary>
    /// The call of step <paramref name="i"/>'s kernel (and its activation pass, if the kernel does not apply it). With
    /// <paramref name="split"/>, a step worth splitting goes through the WorkSplitter when <c>degree</c> is above 1;
    /// with <paramref name="threadedOnly"/> the call is written inside a <c>degree &gt; 1</c> branch, so only that case is.
    /// </summary>
    private static void WriteStepCall(SourceWriter w, ForwardPlan plan, int i, VectorWidth width, bool split, bool threadedOnly = false)
    {
        var step = plan.Steps[i];
        string sources = SourceArguments(step), destination = step.Destination;
        string method = KernelEmitter.MethodName(i, step, width);
        if (!ParallelSplit.HasRowRange(step))
        {
            w.Line($"{method}({sources}, ref {destination}, ref weights);");
        }
        else if (!split || !ParallelSplit.IsSplit(step))
        {
            w.Line($"{method}({sources}, ref {destination}, ref weights, 0, {ParallelSplit.Rows(step)});");
        }
        else
        {
            // The lambda captures nothing, so the compiler caches its delegate: no allocation per call.
            string chunks = ParallelSplit.ChunksPerThread(step, width) is int perThread ? $"chunksPerThread: {perThread}, " : "";
            string call = $"{Splitter}.SplitRows(degree, {ParallelSplit.Rows(step)}, {chunks}(ref float rowSource, ref float rowDestination, ref float rowWeights, int rowStart, int rowEnd) => {method}(ref rowSource, ref rowDestination, ref rowWeights, rowStart, rowEnd), {sources}, ref {destination}, ref weights);";
            if (threadedOnly)
            {
                w.Line(call); // inside an `if (degree > 1)` already
            }
            else
            {
                w.Line($"if (degree > 1) {call}");
                w.Line($"else {method}({sources}, ref {destination}, ref weights, 0, {ParallelSplit.Rows(step)});");
            }
        }
        if (step is not ActivationStep && !KernelEmitter.FusesInStore(step.Activation) && !SmallConvolutionEmitter.FusesActivation(step))
        {
            w.Line(KernelEmitter.ActivationCall(step, destination, destination) + ";");
        }
    }

    /// <summary>
    /// Batch calls of a network with a Dense layer run over groups (<see cref="BatchedDense"/>): for each vector width a
    /// Prefix (the steps before it, leaving its input in a group row), the group kernel, a Suffix (the steps after it,
    /// from a group row) and the loop over groups; <c>RunBatch</c> picks the width.
    /// </summary>
    private static void WriteRunBatch(SourceWriter w, ForwardPlan plan, IReadOnlyList<KeyValuePair<string, long>> offsets, int d)
    {
        var dense = (ConvolutionStep)plan.Steps[d];
        string generated = NetworkEmitter.GeneratedCodeAttribute;
        string memory = KernelEmitter.Memory, unsafeName = KernelEmitter.Unsafe;
        w.Line($"/// <summary>Samples <paramref name=\"first\"/> to <paramref name=\"end\"/> (exclusive) of a batch in groups of {BatchedDense.GroupSize}, {CSharpLiterals.XmlEscape(dense.LayerName)} over each group at once.</summary>");
        w.Line(generated);
        w.Open("private static void RunBatch(ref float inputs, ref float outputs, ref float workspace, ref float weights, int first, int end)");
        w.Line("if (global::System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) RunBatch512(ref inputs, ref outputs, ref workspace, ref weights, first, end);");
        w.Line("else if (global::System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated) RunBatch256(ref inputs, ref outputs, ref workspace, ref weights, first, end);");
        w.Line("else RunBatch128(ref inputs, ref outputs, ref workspace, ref weights, first, end);");
        w.Close();
        w.Line();
        foreach (var width in VectorWidth.All)
        {
            string suffix = width.Suffix;
            w.Line(generated);
            w.Open($"private static void RunBatch{suffix}(ref float inputs, ref float outputs, ref float workspace, ref float weights, int first, int end)");
            w.Line($"ref float groupInput = ref {unsafeName}.Add(ref workspace, GroupInputOffset);");
            w.Line($"ref float groupOutput = ref {unsafeName}.Add(ref workspace, GroupOutputOffset);");
            w.Line($"const int GroupSize = {BatchedDense.GroupSize};");
            w.Line($"const int DenseInputs = {dense.Channels};");
            w.Line($"const int DenseOutputs = {dense.Filters};");
            w.Open("for (int start = first; start < end; start += GroupSize)");
            w.Line("int count = global::System.Math.Min(GroupSize, end - start);");
            w.Open("for (int i = 0; i < count; i++)");
            w.Line($"Prefix{suffix}(ref {unsafeName}.Add(ref inputs, (nint)(start + i) * InputSize), ref {unsafeName}.Add(ref outputs, (nint)(start + i) * OutputSize), ref workspace, ref weights, ref {unsafeName}.Add(ref groupInput, i * DenseInputs));");
            w.Close();
            w.Line($"DenseGroup{suffix}(ref groupInput, ref groupOutput, ref weights);");
            w.Open("for (int i = 0; i < count; i++)");
            w.Line($"Suffix{suffix}(ref {unsafeName}.Add(ref inputs, (nint)(start + i) * InputSize), ref {unsafeName}.Add(ref outputs, (nint)(start + i) * OutputSize), ref workspace, ref weights, ref {unsafeName}.Add(ref groupOutput, i * DenseOutputs));");
            w.Close();
            w.Close();
            w.Close();
            w.Line();

            foreach (bool prefix in new[] { true, false })
            {
                w.Line(prefix
                    ? $"/// <summary>One sample up to {CSharpLiterals.XmlEscape(dense.LayerName)}: its layers before it, then its input into <paramref name=\"groupRow\"/>.</summary>"
                    : $"/// <summary>One sample from {CSharpLiterals.XmlEscape(dense.LayerName)} on: its output from <paramref name=\"groupRow\"/>, then the layers after it.</summary>");
                w.Line(generated);
                w.Open($"private static void {(prefix ? "Prefix" : "Suffix")}{suffix}(ref float input, ref float output, ref float workspace, ref float weights, ref float groupRow)");
                foreach (var buffer in offsets.Select(entry => entry.Key).Where(buffer => !Buffers.IsKernelScratch(buffer)))
                {
                    w.Line($"ref float {buffer} = ref {unsafeName}.Add(ref workspace, {OffsetName(buffer)});");
                }
                w.Line(prefix ? $"const int DenseInputs = {dense.Channels};" : $"const int DenseOutputs = {dense.Filters};");
                if (prefix)
                {
                    for (int i = 0; i < d; i++) WriteStepCall(w, plan, i, width, split: false);
                    w.Line($"{memory}.CreateReadOnlySpan(ref {dense.Sources[0]}, DenseInputs).CopyTo({memory}.CreateSpan(ref groupRow, DenseInputs));");
                }
                else
                {
                    w.Line($"{memory}.CreateReadOnlySpan(ref groupRow, DenseOutputs).CopyTo({memory}.CreateSpan(ref {dense.Destination}, DenseOutputs));");
                    for (int i = d + 1; i < plan.Steps.Count; i++) WriteStepCall(w, plan, i, width, split: false);
                }
                w.Close();
                w.Line();
            }
            BatchedDense.WriteKernel(w, dense, width, $"DenseGroup{suffix}");
        }
    }
}
