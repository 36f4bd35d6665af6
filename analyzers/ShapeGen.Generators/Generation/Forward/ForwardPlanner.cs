using System;
using System.Globalization;
using System.Linq;
using ShapeGen.Generators.Engine;

namespace ShapeGen.Generators.Generation.Forward;

/// <summary>
/// Turns the engine's layers into kernel steps: 1D layers and Dense become 2D with height 1, 'same'/'causal'
/// padding becomes an explicit padded copy (so kernels never test bounds), BatchNormalization folds into the
/// convolution or dense layer before it, and activation layers fuse into the step before them where that is exact.
/// </summary>
internal static class ForwardPlanner
{
    public static ForwardPlan Plan(NetworkAnalysis network)
    {
        var plan = new ForwardPlan();
        long parameterOffset = 0;
        ForwardStep? previous = null;     // the last step that produced a layer output
        bool adjacent = false;            // no reshaping layer between `previous` and the current layer
        BufferId current = BufferId.Input;

        foreach (var layer in network.Layers)
        {
            long parameters = parameterOffset;
            parameterOffset += layer.Parameters;
            var spec = layer.Spec;
            var context = new PlanContext(plan, layer, parameters, current);

            switch (spec.Kind)
            {
                case LayerKind.Flatten:
                case LayerKind.Reshape:
                    adjacent = false;
                    continue;
                case LayerKind.Dropout:
                    continue;
                case LayerKind.BatchNormalization:
                    if (adjacent && TryFoldBatchNorm(plan, previous, layer, parameters)) continue;
                    break;
                case LayerKind.Activation:
                case LayerKind.ReLU:
                case LayerKind.Softmax:
                    var activation = spec.Kind switch
                    {
                        LayerKind.ReLU => ActivationKind.Relu,
                        LayerKind.Softmax => ActivationKind.Softmax,
                        _ => spec.Activation,
                    };
                    if (activation == ActivationKind.Linear) continue;
                    // Elementwise functions commute with reshaping; softmax needs the same last axis.
                    bool sameAxis = previous != null && previous.LastAxis == Last(layer.OutputShape);
                    if (previous is { CanFuseActivation: true, Activation: ActivationKind.Linear }
                        && (activation != ActivationKind.Softmax ? true : adjacent && sameAxis))
                    {
                        previous.Activation = activation;
                        continue;
                    }
                    context.Add(new ActivationStep { Activation = activation, LastAxis = Last(layer.OutputShape), OutputElements = layer.OutputElements });
                    break;
            }

            if (spec.Kind is not (LayerKind.Activation or LayerKind.ReLU or LayerKind.Softmax))
            {
                LayerPlanner.Add(context);
            }

            previous = context.LastStep;
            adjacent = true;
            current = context.Output;
        }

        if (plan.Steps.Count == 0)
        {
            plan.Steps.Add(new CopyStep { Source = BufferId.Input, Destination = BufferId.Output, OutputElements = network.OutputElements });
        }
        else
        {
            // The last layer writes straight into the caller's output.
            var last = plan.Steps[plan.Steps.Count - 1];
            last.Destination = BufferId.Output;
        }

        foreach (var step in plan.Steps)
        {
            if (step.Destination is BufferId.Input or BufferId.Output) continue;
            plan.BufferFloats.TryGetValue(step.Destination, out long size);
            plan.BufferFloats[step.Destination] = Math.Max(size, step.OutputElements);
        }
        return plan;
    }

    private static int Last(Common.EquatableArray<int> shape) => shape[shape.Count - 1];

    /// <summary>BatchNormalization right after a linear convolution or dense layer is folded into its weights.</summary>
    private static bool TryFoldBatchNorm(ForwardPlan plan, ForwardStep? previous, LayerResult layer, long parameters)
    {
        int channels = Last(layer.OutputShape);
        string epsilon = CSharpLiterals.Float(layer.Spec.Epsilon);
        switch (previous)
        {
            case ConvolutionStep { Activation: ActivationKind.Linear } conv:
                plan.PackingStatements.Add(
                    $"global::ShapeGen.Runtime.WeightPacking.FoldBatchNorm(parameters.Slice({parameters}, {4 * channels}), {epsilon}, " +
                    $"packed.Slice({conv.KernelOffset}, {(long)conv.KernelH * conv.KernelW * conv.Channels * conv.PaddedFilters}), " +
                    $"{conv.KernelH * conv.KernelW * conv.Channels}, {channels}, {conv.PaddedFilters}, packed.Slice({conv.BiasOffset}, {conv.PaddedFilters})); // fold {layer.Name}");
                return true;
            case DepthwiseStep { Activation: ActivationKind.Linear } depthwise:
                plan.PackingStatements.Add(
                    $"global::ShapeGen.Runtime.WeightPacking.FoldBatchNorm(parameters.Slice({parameters}, {4 * channels}), {epsilon}, " +
                    $"packed.Slice({depthwise.KernelOffset}, {(long)depthwise.KernelH * depthwise.KernelW * depthwise.PaddedChannels}), " +
                    $"{depthwise.KernelH * depthwise.KernelW}, {channels}, {depthwise.PaddedChannels}, packed.Slice({depthwise.BiasOffset}, {depthwise.PaddedChannels})); // fold {layer.Name}");
                return true;
            default:
                return false;
        }
    }
}

/// <summary>Bookkeeping while one layer's steps are added: which buffer it reads, which it writes.</summary>
internal sealed class PlanContext
{
    public PlanContext(ForwardPlan plan, LayerResult layer, long parameterOffset, BufferId input)
    {
        Plan = plan;
        Layer = layer;
        ParameterOffset = parameterOffset;
        Input = input;
        Output = input == BufferId.PingA ? BufferId.PingB : BufferId.PingA;
    }

    public ForwardPlan Plan { get; }
    public LayerResult Layer { get; }
    public long ParameterOffset { get; }
    public BufferId Input { get; }
    /// <summary>Where the layer's result goes (the planner redirects the network's last step to the output).</summary>
    public BufferId Output { get; }
    public ForwardStep? LastStep { get; private set; }

    /// <summary>Adds the layer's final step: it reads what the previous internal step wrote (or the layer input) and writes the layer output.</summary>
    public void Add(ForwardStep step)
    {
        step.Source = LastStep?.Destination ?? Input;
        step.Destination = Output;
        Finish(step);
    }

    /// <summary>Adds an internal step writing into a fixed scratch buffer.</summary>
    public void AddInternal(ForwardStep step, BufferId destination)
    {
        step.Source = LastStep?.Destination ?? Input;
        step.Destination = destination;
        Finish(step);
    }

    private void Finish(ForwardStep step)
    {
        var named = step with { LayerName = Layer.Name };
        named.Source = step.Source;
        named.Destination = step.Destination;
        named.Activation = step.Activation;
        Plan.Steps.Add(named);
        LastStep = named;
    }

    public string Parameters(long offset, long count) => $"parameters.Slice({(ParameterOffset + offset).ToString(CultureInfo.InvariantCulture)}, {count.ToString(CultureInfo.InvariantCulture)})";
}
