using System.Collections.Generic;
using System.Globalization;
using ShapeGen.Generators.Common;

namespace ShapeGen.Generators.Engine;

/// <summary>One weight tensor of a layer, Keras-named and shaped, at its place in the flat parameter array.</summary>
internal sealed record WeightTensor(
    int AttributeIndex,
    string Layer,
    string LayerType,
    string Variable,
    EquatableArray<int> Shape,
    long Offset,
    string StoragePath,
    int VariableIndex,
    EquatableArray<int> FlattenedFrom)
{
    public string Name => Layer + "/" + Variable;

    public long Count => Shapes.Product(Shape);
}

/// <summary>
/// The network's weight tensors in Keras <c>get_weights()</c> order: what the constructor takes, what the loaders
/// look for in a file, and what the compile-time [Weights] check compares with the file's header.
/// </summary>
internal static class WeightTensors
{
    public static EquatableArray<WeightTensor> Of(NetworkAnalysis network)
    {
        var tensors = new List<WeightTensor>();
        var counters = new Dictionary<string, int>(System.StringComparer.Ordinal);
        long offset = 0;
        // The channels-last shape a Flatten produced, while only order-preserving, weightless layers follow it.
        EquatableArray<int> flattened = EquatableArray<int>.Empty;

        foreach (var layer in network.Layers)
        {
            var spec = layer.Spec;
            // Keras 3's saving library numbers layers per class within the model, whatever their names.
            string stem = LayerKindFacts.KerasStem(spec.Kind);
            counters.TryGetValue(stem, out int count);
            counters[stem] = count + 1;
            string storage = "layers/" + (count == 0 ? stem : stem + "_" + count.ToString(CultureInfo.InvariantCulture));

            var variables = Variables(layer);
            bool followsFlatten = flattened.Count > 0 && layer.InputShape.Count == 1;
            for (int i = 0; i < variables.Count; i++)
            {
                var (name, shape) = variables[i];
                bool reordered = followsFlatten && (spec.Kind == LayerKind.BatchNormalization || (spec.Kind == LayerKind.Dense && name == "kernel"));
                var tensor = new WeightTensor(layer.AttributeIndex, layer.Name, layer.TypeName, name, shape.ToEquatableArray(), offset,
                    storage, i, reordered ? flattened : EquatableArray<int>.Empty);
                tensors.Add(tensor);
                offset += tensor.Count;
            }

            switch (spec.Kind)
            {
                case LayerKind.Flatten:
                    flattened = layer.InputShape.Count >= 2 ? layer.InputShape : EquatableArray<int>.Empty;
                    break;
                case LayerKind.Dropout:
                case LayerKind.Activation:
                case LayerKind.ReLU:
                case LayerKind.Softmax:
                case LayerKind.BatchNormalization:
                    break; // values change, the order of the features does not
                default:
                    flattened = EquatableArray<int>.Empty;
                    break;
            }
        }
        return tensors.ToEquatableArray();
    }

    /// <summary>Keras 3's variables of one layer, in <c>get_weights()</c> order.</summary>
    private static List<(string Name, int[] Shape)> Variables(LayerResult layer)
    {
        var s = layer.Spec;
        var input = layer.InputShape;
        int inChannels = input.Count > 0 ? input[input.Count - 1] : 0;
        var list = new List<(string, int[])>();
        switch (s.Kind)
        {
            case LayerKind.Conv1D:
                list.Add(("kernel", new[] { s.KernelHeight, inChannels, s.Filters }));
                break;
            case LayerKind.Conv2D:
                list.Add(("kernel", new[] { s.KernelHeight, s.KernelWidth, inChannels, s.Filters }));
                break;
            case LayerKind.Conv2DTranspose:
                list.Add(("kernel", new[] { s.KernelHeight, s.KernelWidth, s.Filters, inChannels }));
                break;
            case LayerKind.DepthwiseConv2D:
                list.Add(("kernel", new[] { s.KernelHeight, s.KernelWidth, inChannels, s.DepthMultiplier }));
                break;
            case LayerKind.SeparableConv2D:
                list.Add(("depthwise_kernel", new[] { s.KernelHeight, s.KernelWidth, inChannels, s.DepthMultiplier }));
                list.Add(("pointwise_kernel", new[] { 1, 1, inChannels * s.DepthMultiplier, s.Filters }));
                break;
            case LayerKind.Dense:
                list.Add(("kernel", new[] { inChannels, s.Units }));
                break;
            case LayerKind.BatchNormalization:
                foreach (var name in new[] { "gamma", "beta", "moving_mean", "moving_variance" }) list.Add((name, new[] { inChannels }));
                return list;
            default:
                return list;
        }
        if (s.UseBias)
        {
            int outChannels = layer.OutputShape[layer.OutputShape.Count - 1];
            list.Add(("bias", new[] { outChannels }));
        }
        return list;
    }
}
