// Shared source (runtime and analyzer): see TensorModel.cs.
using System;
using System.Collections.Generic;

namespace ShapeGen.WeightFiles;

/// <summary>
/// Matches a PyTorch <c>state_dict</c> to the network and says how each tensor becomes Keras's layout.
/// <para>
/// Modules are the tensor names without their last part (<c>features.0.weight</c> → module <c>features.0</c>).
/// Without an explicit mapping, the modules that hold weights are taken in natural order of their names
/// (<c>conv1</c>, <c>conv2</c>, ..., <c>conv10</c>; <c>features.0</c>, <c>features.3</c>, ...), and paired in order
/// with the network's layers that have weights. A SeparableConv2D takes two modules, the depthwise convolution
/// (bias=False) and the pointwise one. The mapping (Keras layer name → module, or <c>"dw,pw"</c> for a
/// SeparableConv2D) overrides that for the layers it names; the remaining layers take the remaining modules in order.
/// <c>num_batches_tracked</c> is ignored.
/// </para>
/// </summary>
internal static class PyTorchMatcher
{
    /// <param name="expected">The network's tensors, Keras order.</param>
    /// <param name="found">The file's tensors.</param>
    /// <param name="moduleNames">Keras layer name → PyTorch module, for the layers that do not pair in natural order.</param>
    /// <param name="flattenChannelsLast">
    /// The PyTorch model permutes to channels-last before it flattens (as a model written to match Keras does), so
    /// the Linear after the Flatten needs no reordering.
    /// </param>
    public static WeightPlan Match(IReadOnlyList<ExpectedTensor> expected, IReadOnlyList<FoundTensor> found,
        IReadOnlyDictionary<string, string>? moduleNames, bool flattenChannelsLast = false)
    {
        var plan = new WeightPlan();

        // Module → its tensors by last name part.
        var modules = new Dictionary<string, Dictionary<string, FoundTensor>>(StringComparer.Ordinal);
        foreach (var tensor in found)
        {
            if (tensor.Ignorable) continue;
            int dot = tensor.Name.LastIndexOf('.');
            string module = dot < 0 ? "" : tensor.Name.Substring(0, dot);
            string part = dot < 0 ? tensor.Name : tensor.Name.Substring(dot + 1);
            if (part == "num_batches_tracked") continue;
            if (!modules.TryGetValue(module, out var parts)) modules[module] = parts = new Dictionary<string, FoundTensor>(StringComparer.Ordinal);
            if (parts.ContainsKey(part))
            {
                plan.Problems.Add(new WeightProblem(null, tensor.Name, $"the file holds two tensors named '{tensor.Name}'."));
                continue;
            }
            parts[part] = tensor;
        }
        var order = new List<string>(modules.Keys);
        order.Sort(NaturalOrder.Instance);

        // The network's layers with weights, in order.
        var layers = new List<List<ExpectedTensor>>();
        foreach (var tensor in expected)
        {
            if (layers.Count == 0 || layers[layers.Count - 1][0].Layer != tensor.Layer) layers.Add(new List<ExpectedTensor>());
            layers[layers.Count - 1].Add(tensor);
        }

        // Explicit names first, then the rest in order.
        var assigned = new string[layers.Count][];
        var taken = new HashSet<string>(StringComparer.Ordinal);
        if (moduleNames != null)
        {
            var known = new HashSet<string>(StringComparer.Ordinal);
            foreach (var layer in layers) known.Add(layer[0].Layer);
            foreach (var pair in moduleNames)
            {
                if (!known.Contains(pair.Key))
                {
                    plan.Problems.Add(new WeightProblem(null, pair.Key,
                        $"the module mapping names layer '{pair.Key}', but the network has no layer of that name with weights; those are {WeightText.Names(LayerNames(layers), 12)}."));
                }
            }
            for (int i = 0; i < layers.Count; i++)
            {
                if (!moduleNames.TryGetValue(layers[i][0].Layer, out var given)) continue;
                var names = given.Split(',');
                for (int n = 0; n < names.Length; n++) names[n] = names[n].Trim();
                assigned[i] = names;
                foreach (var name in names)
                {
                    if (!modules.ContainsKey(name))
                    {
                        plan.Problems.Add(new WeightProblem(layers[i][0].Layer, name,
                            $"{layers[i][0].Layer}: the module mapping gives PyTorch module '{name}', which the file does not have; its modules are {WeightText.Names(order, 12)}."));
                    }
                    taken.Add(name);
                }
            }
        }
        var remaining = new Queue<string>();
        foreach (var module in order)
        {
            if (!taken.Contains(module)) remaining.Enqueue(module);
        }
        for (int i = 0; i < layers.Count; i++)
        {
            if (assigned[i] != null) continue;
            int needed = layers[i][0].LayerType == "SeparableConv2D" ? 2 : 1;
            if (remaining.Count < needed)
            {
                plan.Problems.Add(new WeightProblem(layers[i][0].Layer, null,
                    $"{layers[i][0].Layer} ({layers[i][0].LayerType}): no PyTorch module is left for it; the file's modules {WeightText.Names(order, 12)} are fewer than the network's {layers.Count} layers with weights."));
                assigned[i] = Array.Empty<string>();
                continue;
            }
            var names = new string[needed];
            for (int n = 0; n < needed; n++) names[n] = remaining.Dequeue();
            assigned[i] = names;
        }

        for (int i = 0; i < layers.Count; i++)
        {
            if (assigned[i].Length == 0) continue;
            MatchLayer(layers[i], assigned[i], modules, plan, flattenChannelsLast);
        }

        if (remaining.Count > 0)
        {
            var extra = new List<string>(remaining);
            plan.Problems.Add(new WeightProblem(null, extra[0],
                $"the file holds PyTorch module{(extra.Count == 1 ? "" : "s")} {WeightText.Names(extra)} that no layer of the network takes."));
        }
        return plan;
    }

    private static List<string> LayerNames(List<List<ExpectedTensor>> layers)
    {
        var names = new List<string>();
        foreach (var layer in layers) names.Add(layer[0].Layer);
        return names;
    }

    private static void MatchLayer(List<ExpectedTensor> layer, string[] moduleNames,
        Dictionary<string, Dictionary<string, FoundTensor>> modules, WeightPlan plan, bool flattenChannelsLast)
    {
        string name = layer[0].Layer, type = layer[0].LayerType;
        int neededModules = type == "SeparableConv2D" ? 2 : 1;
        if (moduleNames.Length != neededModules)
        {
            plan.Problems.Add(new WeightProblem(name, null, neededModules == 2
                ? $"{name} (SeparableConv2D) takes two PyTorch modules, the depthwise and the pointwise convolution, given as \"depthwise,pointwise\"; the mapping gives {moduleNames.Length}."
                : $"{name} ({type}) takes one PyTorch module; the mapping gives {moduleNames.Length}."));
            return;
        }
        foreach (var module in moduleNames)
        {
            if (!modules.ContainsKey(module)) return; // reported with the mapping
        }

        var usedParts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in layer)
        {
            var (moduleIndex, part) = Source(tensor);
            string module = moduleNames[moduleIndex];
            var parts = modules[module];
            string fullName = module.Length == 0 ? part : module + "." + part;
            usedParts.Add(fullName);
            if (!parts.TryGetValue(part, out var found))
            {
                string bias = part == "bias" ? " If the PyTorch layer was created with bias=False, declare the layer with UseBias = false." : "";
                plan.Problems.Add(new WeightProblem(name, fullName,
                    $"{tensor.Name}: PyTorch module '{module}' has no '{part}' (expected '{fullName}', shape {WeightText.Shape(TorchShape(tensor))}).{bias}"));
                continue;
            }
            Check(tensor, found, plan, flattenChannelsLast);
        }

        for (int m = 0; m < moduleNames.Length; m++)
        {
            foreach (var pair in modules[moduleNames[m]])
            {
                string fullName = moduleNames[m].Length == 0 ? pair.Key : moduleNames[m] + "." + pair.Key;
                if (usedParts.Contains(fullName)) continue;
                string why = pair.Key == "bias" && type == "SeparableConv2D" && m == 0
                    ? " Keras's SeparableConv2D has no depthwise bias: create the PyTorch depthwise convolution with bias=False."
                    : pair.Key == "bias" ? " Declare the layer with UseBias = true, or drop the bias." : "";
                plan.Problems.Add(new WeightProblem(name, fullName,
                    $"{name} ({type}): PyTorch tensor '{fullName}' has no place in the layer.{why}"));
            }
        }
    }

    /// <summary>Which of the layer's modules holds the tensor, and under which name.</summary>
    private static (int Module, string Part) Source(ExpectedTensor tensor) => (tensor.LayerType, tensor.Variable) switch
    {
        ("BatchNormalization", "gamma") => (0, "weight"),
        ("BatchNormalization", "beta") => (0, "bias"),
        ("BatchNormalization", "moving_mean") => (0, "running_mean"),
        ("BatchNormalization", "moving_variance") => (0, "running_var"),
        ("SeparableConv2D", "depthwise_kernel") => (0, "weight"),
        ("SeparableConv2D", "pointwise_kernel") => (1, "weight"),
        ("SeparableConv2D", "bias") => (1, "bias"),
        (_, "bias") => (0, "bias"),
        _ => (0, "weight"),
    };

    private static void Check(ExpectedTensor tensor, FoundTensor found, WeightPlan plan, bool flattenChannelsLast)
    {
        if (!WeightDTypes.IsReadable(found.DType))
        {
            plan.Problems.Add(new WeightProblem(tensor.Layer, found.Name,
                $"{tensor.Name} (file tensor '{found.Name}'): the file stores {found.DType}; ShapeGen reads {WeightDTypes.Accepted}."));
            return;
        }
        var layout = Layout(tensor, flattenChannelsLast);
        var torchShape = layout.StoredShape;
        if (!WeightText.SameShape(torchShape, found.Shape))
        {
            plan.Problems.Add(new WeightProblem(tensor.Layer, found.Name,
                ShapeHints.Mismatch(tensor, found.Name, found.Shape, ToKeras(tensor, found.Shape), torchShape, layout.Note)));
            return;
        }
        plan.Assignments.Add(new TensorAssignment(tensor, found, layout.SourceShape, layout.Permutation));
    }

    /// <summary>The tensor's shape as PyTorch stores it.</summary>
    internal static int[] TorchShape(ExpectedTensor tensor)
    {
        return Layout(tensor, flattenChannelsLast: false).StoredShape;
    }

    private readonly struct TorchLayout
    {
        public TorchLayout(int[] storedShape, int[]? sourceShape, int[]? permutation, string? note)
        {
            StoredShape = storedShape;
            SourceShape = sourceShape;
            Permutation = permutation;
            Note = note;
        }

        public int[] StoredShape { get; }
        public int[]? SourceShape { get; }
        public int[]? Permutation { get; }
        public string? Note { get; }
    }

    /// <summary>
    /// PyTorch's layout of a Keras tensor: the shape it is stored with, how to view it (<c>SourceShape</c>) and the
    /// permutation to Keras's axes. Conv weight [out, in, kh, kw] → [kh, kw, in, out]; Linear [out, in] → [in, out],
    /// and after a Flatten [out, c·h·w] (channels first) → [h·w·c, out].
    /// </summary>
    private static TorchLayout Layout(ExpectedTensor tensor, bool flattenChannelsLast)
    {
        var s = tensor.Shape;
        var from = flattenChannelsLast ? null : tensor.FlattenedFrom;
        switch (tensor.LayerType, tensor.Variable)
        {
            case ("Conv2D", "kernel"): // [kh, kw, in, out] ← [out, in, kh, kw]
                return new TorchLayout(new[] { s[3], s[2], s[0], s[1] }, new[] { s[3], s[2], s[0], s[1] }, new[] { 2, 3, 1, 0 }, " (PyTorch's [out, in, kh, kw])");
            case ("Conv1D", "kernel"): // [k, in, out] ← [out, in, k]
                return new TorchLayout(new[] { s[2], s[1], s[0] }, new[] { s[2], s[1], s[0] }, new[] { 2, 1, 0 }, " (PyTorch's [out, in, k])");
            case ("Conv2DTranspose", "kernel"): // [kh, kw, out, in] ← ConvTranspose2d [in, out, kh, kw]
                return new TorchLayout(new[] { s[3], s[2], s[0], s[1] }, new[] { s[3], s[2], s[0], s[1] }, new[] { 2, 3, 1, 0 }, " (PyTorch's ConvTranspose2d [in, out, kh, kw])");
            case ("DepthwiseConv2D", "kernel"):
            case ("SeparableConv2D", "depthwise_kernel"): // [kh, kw, in, m] ← Conv2d(groups=in) [in·m, 1, kh, kw], output channel i·m + j
                return new TorchLayout(new[] { s[2] * s[3], 1, s[0], s[1] }, new[] { s[2], s[3], s[0], s[1] }, new[] { 2, 3, 0, 1 }, " (PyTorch's grouped Conv2d [in·multiplier, 1, kh, kw])");
            case ("SeparableConv2D", "pointwise_kernel"): // [1, 1, in·m, f] ← [f, in·m, 1, 1]
                return new TorchLayout(new[] { s[3], s[2], s[0], s[1] }, new[] { s[3], s[2], s[0], s[1] }, new[] { 2, 3, 1, 0 }, " (PyTorch's [out, in, 1, 1])");
            case ("Dense", "kernel"):
            {
                int inFeatures = s[0], units = s[1];
                if (from != null && from.Length == 3) // [h·w·c, units] ← [units, c·h·w]
                    return new TorchLayout(new[] { units, inFeatures }, new[] { units, from[2], from[0], from[1] }, new[] { 2, 3, 1, 0 }, " (PyTorch's [out, in], the input flattened channels first)");
                if (from != null && from.Length == 2) // [steps·c, units] ← [units, c·steps]
                    return new TorchLayout(new[] { units, inFeatures }, new[] { units, from[1], from[0] }, new[] { 2, 1, 0 }, " (PyTorch's [out, in], the input flattened channels first)");
                return new TorchLayout(new[] { units, inFeatures }, new[] { units, inFeatures }, new[] { 1, 0 }, " (PyTorch's [out, in])");
            }
            case ("BatchNormalization", _):
            {
                if (from != null && from.Length == 3) // [h·w·c] ← [c·h·w]
                    return new TorchLayout(s, new[] { from[2], from[0], from[1] }, new[] { 1, 2, 0 }, null);
                if (from != null && from.Length == 2)
                    return new TorchLayout(s, new[] { from[1], from[0] }, new[] { 1, 0 }, null);
                return new TorchLayout(s, null, null, null);
            }
            default: // biases
                return new TorchLayout(s, null, null, null);
        }
    }

    /// <summary>A found PyTorch shape seen in Keras's axis order, for the hint (same rank only).</summary>
    private static long[] ToKeras(ExpectedTensor tensor, long[] found)
    {
        switch (tensor.LayerType, tensor.Variable)
        {
            case ("Conv2D", "kernel") when found.Length == 4:
            case ("Conv2DTranspose", "kernel") when found.Length == 4:
            case ("SeparableConv2D", "pointwise_kernel") when found.Length == 4:
                return new[] { found[2], found[3], found[1], found[0] };
            case ("Conv1D", "kernel") when found.Length == 3:
                return new[] { found[2], found[1], found[0] };
            case ("DepthwiseConv2D", "kernel") when found.Length == 4:
            case ("SeparableConv2D", "depthwise_kernel") when found.Length == 4:
            {
                long multiplier = tensor.Shape[3];
                return new[] { found[2], found[3], multiplier == 0 ? found[0] : found[0] / multiplier, multiplier };
            }
            case ("Dense", "kernel") when found.Length == 2:
                return new[] { found[1], found[0] };
            default:
                return found;
        }
    }
}
