using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ShapeGen.Generators.Common;
using ShapeGen.Generators.Engine;

namespace ShapeGen.Generators.Generation.Forward;

/// <summary>
/// Turns the engine's layers into kernel steps and a static buffer plan.
/// <list type="bullet">
/// <item>Flatten, Reshape and Dropout move no data: their output is their input's storage.</item>
/// <item>BatchNormalization folds into the convolution or dense layer before it, and activation layers fuse into
/// the step before them, when that step is linear and nothing else reads its output (so the fusion is exact).</item>
/// <item>Every other layer output gets a workspace slot, reused once the last layer reading it has run; the last
/// layer writes straight into the caller's output.</item>
/// </list>
/// </summary>
internal static class ForwardPlanner
{
    public static ForwardPlan Plan(NetworkAnalysis network)
    {
        var plan = new ForwardPlan();
        var decisions = Decide(network);
        // [Input] alone is the identity: no layer, the output is a copy of the input.
        string finalStorage = decisions.Count == 0 ? network.InputName : decisions[decisions.Count - 1].Storage;
        var readers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var decision in decisions.Where(d => d.Role == Role.Compute))
        {
            foreach (var source in decision.Inbound) readers[source] = readers.TryGetValue(source, out int n) ? n + 1 : 1;
        }

        var slots = new SlotAllocator(plan, readers);
        var producer = new Dictionary<string, ForwardStep>(StringComparer.Ordinal);
        long parameterOffset = 0;
        foreach (var decision in decisions)
        {
            var layer = decision.Layer;
            long parameters = parameterOffset;
            parameterOffset += layer.Parameters;
            switch (decision.Role)
            {
                case Role.Alias:
                    continue;
                case Role.Fold:
                    FoldBatchNorm(plan, producer[decision.Storage], layer, parameters);
                    plan.RunsIn[layer.Name] = decision.Storage;
                    continue;
                case Role.Fuse:
                    producer[decision.Storage].Activation = decision.Activation;
                    plan.RunsIn[layer.Name] = decision.Storage;
                    continue;
            }

            string destination = decision.Storage == finalStorage
                ? slots.AssignOutput(decision.Storage)
                : slots.Allocate(decision.Storage, layer.OutputElements, avoid: BuffersStillRead(plan, producer, decision));
            slots.Release(decision.Inbound);
            var context = new PlanContext(plan, layer, parameters, decision.Inbound.Select(slots.BufferOf).ToArray(), destination)
            {
                FramedInput = FramedInput(plan, producer, readers, decision, finalStorage),
                PooledInputRows = PoolRowsInProducer(plan, producer, readers, decision, finalStorage),
            };
            if (layer.Spec.Kind is LayerKind.Activation or LayerKind.ReLU or LayerKind.Softmax)
                context.Add(new ActivationStep { Activation = decision.Activation, LastAxis = Last(layer.OutputShape), OutputElements = layer.OutputElements });
            else
                LayerPlanner.Add(context);
            producer[decision.Storage] = context.LastStep!;
        }

        if (finalStorage == network.InputName)
        {
            // Only reshaping layers after the input: the output is a copy of it.
            plan.Steps.Add(new CopyStep { Sources = new[] { Buffers.Input }, Destination = Buffers.Output, OutputElements = network.OutputElements });
        }

        SmallConvolutions.Finish(plan);
        WinogradPlanner.Finish(plan);
        foreach (var step in plan.Steps)
        {
            if (step.Destination is Buffers.Input or Buffers.Output) continue;
            plan.RequireBuffer(step.Destination, step.OutputElements);
        }
        return plan;
    }

    /// <summary>
    /// The buffers a pooling layer must not write: on several threads, a pooling right after the step that writes its
    /// input can run in that step's chunks (<see cref="ParallelSplit.PoolRunsInChunksOf"/>), while another thread's chunk
    /// of the step still reads that step's sources. Null for every other layer.
    /// </summary>
    private static IReadOnlyCollection<string>? BuffersStillRead(ForwardPlan plan, Dictionary<string, ForwardStep> producer, Decision decision)
    {
        if (decision.Layer.Spec.Kind is not (LayerKind.MaxPooling2D or LayerKind.AveragePooling2D) || decision.Inbound.Length != 1) return null;
        return plan.Steps.Count > 0 && producer.TryGetValue(decision.Inbound[0], out var step) && ReferenceEquals(step, plan.Steps[plan.Steps.Count - 1])
            ? step.Sources
            : null;
    }

    /// <summary>
    /// How a layer that needs zero padding can have its producer write straight into a padded frame instead of copying:
    /// the producer must be the input's only writer and this layer its only reader (nothing else sees the frame), write
    /// into a workspace slot, and apply its activation in its own store (a separate pass would touch the border).
    /// Returns null when that is not possible.
    /// </summary>
    private static Func<OutputFrame, int, int, int, bool>? FramedInput(ForwardPlan plan, Dictionary<string, ForwardStep> producer,
        Dictionary<string, int> readers, Decision decision, string finalStorage)
    {
        if (decision.Inbound.Length != 1) return null;
        string storage = decision.Inbound[0];
        if (storage == finalStorage || !readers.TryGetValue(storage, out int count) || count != 1) return null;
        if (!producer.TryGetValue(storage, out var step)) return null;
        if (step.FrameableImage is null || step.Frame != null || !KernelEmitter.FusesInStore(step.Activation)) return null;
        if (!step.Destination.StartsWith("slot", StringComparison.Ordinal)) return null;
        return (frame, height, width, channels) =>
        {
            // The consumer must see the producer's image as written: not through a Reshape, a Flatten or a 1D view.
            if (step.FrameableImage != (height, width, channels)) return false;
            long elements = (long)frame.Height * frame.Width * channels;
            int index = plan.Steps.IndexOf(step);
            if (index < 0) return false;
            var framed = step with { Frame = frame, OutputElements = elements };
            plan.Steps[index] = framed;
            producer[storage] = framed;
            return true;
        };
    }

    /// <summary>
    /// A global pooling whose input is the output of the convolution step right before it, read by nothing else: that
    /// step then reduces each of its output rows as it writes them (<see cref="ConvolutionStep.PoolRows"/>), so the image
    /// is never stored and read back, and the pooling only reduces those rows. Returns their number; null (nothing
    /// changed) when the convolution's kernel cannot: a frame, an activation applied as a separate pass, filters that
    /// are not whole vectors at every width, a single output position, or an image seen through a Reshape.
    /// </summary>
    private static int? PoolRowsInProducer(ForwardPlan plan, Dictionary<string, ForwardStep> producer, Dictionary<string, int> readers,
        Decision decision, string finalStorage)
    {
        var layer = decision.Layer;
        if (layer.Spec.Kind is not (LayerKind.GlobalAveragePooling2D or LayerKind.GlobalMaxPooling2D) || decision.Inbound.Length != 1) return null;
        string storage = decision.Inbound[0];
        if (storage == finalStorage || !readers.TryGetValue(storage, out int count) || count != 1) return null;
        if (plan.Steps.Count == 0 || !producer.TryGetValue(storage, out var step) || !ReferenceEquals(step, plan.Steps[plan.Steps.Count - 1])) return null;
        if (step is not ConvolutionStep { Frame: null, PoolRows: null } conv || !KernelEmitter.FusesInStore(conv.Activation)) return null;
        if (conv.Filters % RowPoolingFilterMultiple != 0 || (long)conv.OutH * conv.OutW < 2 || !conv.Destination.StartsWith("slot", StringComparison.Ordinal)) return null;
        if (!layer.InputShape.SequenceEqual(new[] { conv.OutH, conv.OutW, conv.Filters })) return null;
        var pooled = conv with { PoolRows = new RowPooling(layer.Spec.Kind == LayerKind.GlobalMaxPooling2D), OutputElements = (long)conv.OutH * conv.Filters };
        plan.Steps[plan.Steps.Count - 1] = pooled;
        producer[storage] = pooled;
        return conv.OutH;
    }

    /// <summary>Filters a row-pooling convolution needs a multiple of: whole vectors at every width, so no partial stores.</summary>
    private const int RowPoolingFilterMultiple = 16;

    private enum Role
    {
        /// <summary>Runs kernels into a buffer of its own.</summary>
        Compute,
        /// <summary>Moves no data (Flatten, Reshape, Dropout, a linear activation).</summary>
        Alias,
        /// <summary>BatchNormalization folded into the weights of the layer that produced its input.</summary>
        Fold,
        /// <summary>An activation applied by the step that produced its input.</summary>
        Fuse,
    }

    /// <summary>What a layer becomes, and the storage (the name of the computing layer, or the input) it reads and writes.</summary>
    private sealed record Decision(LayerResult Layer, Role Role, string Storage, string[] Inbound)
    {
        public ActivationKind Activation { get; init; }
    }

    /// <summary>
    /// First pass: which layers compute, which only rename a tensor, and which fold or fuse into their producer.
    /// Folding and fusing rewrite the producer's output in place, so they are only exact when this layer is the
    /// producer's only reader.
    /// </summary>
    private static List<Decision> Decide(NetworkAnalysis network)
    {
        var storage = new Dictionary<string, string>(StringComparer.Ordinal) { [network.InputName] = network.InputName };
        var readers = ReadersByTensor(network);
        var kind = new Dictionary<string, LayerKind>(StringComparer.Ordinal);
        var activation = new Dictionary<string, ActivationKind>(StringComparer.Ordinal);
        var lastAxis = new Dictionary<string, int>(StringComparer.Ordinal);
        var decisions = new List<Decision>();
        foreach (var layer in network.Layers)
        {
            var spec = layer.Spec;
            var inbound = layer.Inbound.Select(name => storage[name]).ToArray();
            string source = inbound[0];
            bool soleReader = source != network.InputName && readers[source] == 1;

            if (spec.Kind is LayerKind.Flatten or LayerKind.Reshape or LayerKind.Dropout)
            {
                storage[layer.Name] = source;
                decisions.Add(new Decision(layer, Role.Alias, source, inbound));
                continue;
            }
            if (spec.Kind == LayerKind.BatchNormalization && soleReader && activation[source] == ActivationKind.Linear
                && kind[source] is LayerKind.Conv1D or LayerKind.Conv2D or LayerKind.Dense or LayerKind.SeparableConv2D or LayerKind.DepthwiseConv2D)
            {
                Merge(source, layer, storage, readers);
                decisions.Add(new Decision(layer, Role.Fold, source, inbound));
                continue;
            }
            if (spec.Kind is LayerKind.Activation or LayerKind.ReLU or LayerKind.Softmax)
            {
                var function = spec.Kind switch
                {
                    LayerKind.ReLU => ActivationKind.Relu,
                    LayerKind.Softmax => ActivationKind.Softmax,
                    _ => spec.Activation,
                };
                if (function == ActivationKind.Linear)
                {
                    Merge(source, layer, storage, readers);
                    decisions.Add(new Decision(layer, Role.Alias, source, inbound));
                    continue;
                }
                bool fusable = soleReader && activation[source] == ActivationKind.Linear && CanFuseActivation(kind[source])
                    && (function != ActivationKind.Softmax || lastAxis[source] == Last(layer.OutputShape));
                if (fusable)
                {
                    Merge(source, layer, storage, readers);
                    activation[source] = function;
                    decisions.Add(new Decision(layer, Role.Fuse, source, inbound) { Activation = function });
                    continue;
                }
                storage[layer.Name] = layer.Name;
                kind[layer.Name] = spec.Kind;
                activation[layer.Name] = function;
                lastAxis[layer.Name] = Last(layer.OutputShape);
                decisions.Add(new Decision(layer, Role.Compute, layer.Name, inbound) { Activation = function });
                continue;
            }

            storage[layer.Name] = layer.Name;
            kind[layer.Name] = spec.Kind;
            activation[layer.Name] = HasActivation(spec.Kind) ? spec.Activation : ActivationKind.Linear;
            lastAxis[layer.Name] = Last(layer.OutputShape);
            decisions.Add(new Decision(layer, Role.Compute, layer.Name, inbound));
        }
        return decisions;
    }

    /// <summary>The layer's output becomes its producer's storage, which inherits the layer's readers.</summary>
    private static void Merge(string producer, LayerResult layer, Dictionary<string, string> storage, Dictionary<string, int> readers)
    {
        storage[layer.Name] = producer;
        readers[producer] += readers[layer.Name] - 1;
    }

    private static bool HasActivation(LayerKind kind) => kind is LayerKind.Conv1D or LayerKind.Conv2D or LayerKind.Conv2DTranspose
        or LayerKind.DepthwiseConv2D or LayerKind.SeparableConv2D or LayerKind.Dense;

    /// <summary>Steps that can apply an activation as they write (see <see cref="ForwardStep.CanFuseActivation"/>).</summary>
    private static bool CanFuseActivation(LayerKind kind) => HasActivation(kind) || kind is LayerKind.BatchNormalization or LayerKind.Add;

    /// <summary>How many layers read each tensor (through reshaping layers), plus one for the network output.</summary>
    private static Dictionary<string, int> ReadersByTensor(NetworkAnalysis network)
    {
        var readers = new Dictionary<string, int>(StringComparer.Ordinal) { [network.InputName] = 0 };
        var storage = new Dictionary<string, string>(StringComparer.Ordinal) { [network.InputName] = network.InputName };
        foreach (var layer in network.Layers)
        {
            readers[layer.Name] = 0;
            if (layer.Spec.Kind is LayerKind.Flatten or LayerKind.Reshape or LayerKind.Dropout)
            {
                storage[layer.Name] = storage[layer.Inbound[0]];
                continue;
            }
            storage[layer.Name] = layer.Name;
            foreach (var name in layer.Inbound) readers[storage[name]]++;
        }
        if (network.Layers.Count > 0) readers[storage[network.Layers[network.Layers.Count - 1].Name]]++;
        return readers;
    }

    internal static int Last(EquatableArray<int> shape) => shape[shape.Count - 1];

    /// <summary>BatchNormalization after a linear convolution or dense layer, folded into its packed weights.</summary>
    private static void FoldBatchNorm(ForwardPlan plan, ForwardStep previous, LayerResult layer, long parameters)
    {
        int channels = Last(layer.OutputShape);
        string epsilon = CSharpLiterals.Float(layer.Spec.Epsilon);
        // The kernel's rows (one per input of an output channel) and the padded row length, wherever the kernel lives.
        var (kernelOffset, rows, padded, biasOffset) = previous switch
        {
            ConvolutionStep conv => (conv.KernelOffset, (long)conv.KernelH * conv.KernelW * conv.Channels, conv.PaddedFilters, conv.BiasOffset),
            WinogradStep winograd => (winograd.KernelOffset, (long)WinogradStep.Positions * winograd.Channels, winograd.PaddedFilters, winograd.BiasOffset),
            DepthwiseStep depthwise => (depthwise.KernelOffset, (long)depthwise.KernelH * depthwise.KernelW, depthwise.PaddedChannels, depthwise.BiasOffset),
            ISmallConvolution small => (small.KernelOffset, (long)small.KernelRows, small.PaddedFilters, small.BiasOffset),
            _ => throw new InvalidOperationException($"Cannot fold {layer.Name} into {previous.GetType().Name}."),
        };
        plan.PackingStatements.Add(
            $"global::ShapeGen.Runtime.WeightPacking.FoldBatchNorm(parameters.Slice({parameters}, {4 * channels}), {epsilon}, " +
            $"packed.Slice({kernelOffset}, {rows * padded}), {rows}, {channels}, {padded}, packed.Slice({biasOffset}, {padded})); // fold {layer.Name}");
    }
}

/// <summary>
/// Assigns workspace slots to computed tensors: a slot is free again once every layer reading its tensor has run
/// (a static plan: the same slots on every call).
/// </summary>
internal sealed class SlotAllocator
{
    private readonly ForwardPlan _plan;
    private readonly Dictionary<string, int> _readers;
    private readonly Dictionary<string, string> _bufferOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _remaining = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _sizes = new(StringComparer.Ordinal);
    private readonly List<string> _free = new();
    private int _slots;
    private long _live;

    public SlotAllocator(ForwardPlan plan, Dictionary<string, int> readers)
    {
        _plan = plan;
        _readers = readers;
    }

    /// <summary>The buffer holding a tensor's storage: the caller's input, its output, or a slot.</summary>
    public string BufferOf(string storage) => _bufferOf.TryGetValue(storage, out var buffer) ? buffer : Buffers.Input;

    /// <summary>The network's final tensor is written straight into the caller's output (other layers may read it there).</summary>
    public string AssignOutput(string storage)
    {
        _bufferOf[storage] = Buffers.Output;
        return Buffers.Output;
    }

    /// <param name="avoid">Slots not to reuse even when free (see <c>BuffersStillRead</c>).</param>
    public string Allocate(string storage, long elements, IReadOnlyCollection<string>? avoid = null)
    {
        var free = avoid is null ? _free : _free.Where(s => !avoid.Contains(s)).ToList();
        var fit = free.Where(s => _sizes[s] >= elements).OrderBy(s => _sizes[s]).FirstOrDefault()
            ?? free.OrderByDescending(s => _sizes[s]).FirstOrDefault();
        string slot;
        if (fit != null)
        {
            slot = fit;
            _free.Remove(fit);
        }
        else
        {
            slot = Buffers.Slot(_slots++);
            _sizes[slot] = 0;
        }
        _sizes[slot] = Math.Max(_sizes[slot], elements);
        _bufferOf[storage] = slot;
        _remaining[storage] = _readers.TryGetValue(storage, out int count) ? count : 0;
        _live += elements;
        _plan.PeakWorkspaceFloats = Math.Max(_plan.PeakWorkspaceFloats, _live);
        return slot;
    }

    /// <summary>Called once a layer has its output buffer: each tensor it reads loses a reader, and frees its slot at zero.</summary>
    public void Release(IEnumerable<string> inbound)
    {
        foreach (var storage in inbound)
        {
            if (!_remaining.ContainsKey(storage)) continue; // the caller's input
            if (--_remaining[storage] > 0) continue;
            var slot = _bufferOf[storage];
            _live -= _sizes[slot];
            _free.Add(slot);
        }
    }
}

/// <summary>Bookkeeping while one layer's steps are added: which buffers it reads, which it writes.</summary>
internal sealed class PlanContext
{
    public PlanContext(ForwardPlan plan, LayerResult layer, long parameterOffset, string[] inputs, string output)
    {
        Plan = plan;
        Layer = layer;
        ParameterOffset = parameterOffset;
        Inputs = inputs;
        Output = output;
    }

    public ForwardPlan Plan { get; }
    public LayerResult Layer { get; }
    public long ParameterOffset { get; }
    public string[] Inputs { get; }
    public string Output { get; }
    public ForwardStep? LastStep { get; private set; }

    /// <summary>
    /// Asks the step that produced this layer's (single) input to write it inside a zero-bordered frame of the given
    /// size, so this layer can read it as its padded input. Takes the frame and the image (height, width, channels) this
    /// layer reads, and returns false when the producer wrote something else. Null when framing is not possible (see ForwardPlanner).
    /// </summary>
    public Func<OutputFrame, int, int, int, bool>? FramedInput { get; init; }

    /// <summary>For a global pooling whose producer reduced each of its rows (<see cref="ConvolutionStep.PoolRows"/>): their number.</summary>
    public int? PooledInputRows { get; init; }

    /// <summary>Adds the layer's final step: it reads what the previous internal step wrote (or the layer inputs) and writes the layer output.</summary>
    public void Add(ForwardStep step) => Finish(step, Output);

    /// <summary>Adds an internal step writing into a fixed scratch buffer.</summary>
    public void AddInternal(ForwardStep step, string destination) => Finish(step, destination);

    private void Finish(ForwardStep step, string destination)
    {
        var named = step with { LayerName = Layer.Name };
        named.Sources = LastStep != null ? new[] { LastStep.Destination } : Inputs;
        named.Destination = destination;
        Plan.Steps.Add(named);
        LastStep = named;
    }

    public string Parameters(long offset, long count) => $"parameters.Slice({(ParameterOffset + offset).ToString(CultureInfo.InvariantCulture)}, {count.ToString(CultureInfo.InvariantCulture)})";
}
