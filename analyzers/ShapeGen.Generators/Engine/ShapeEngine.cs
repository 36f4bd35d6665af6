using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ShapeGen.Generators.Common;

namespace ShapeGen.Generators.Engine;

/// <summary>
/// The one shape engine: from the declared attributes to every layer's output shape, parameters and
/// multiply-adds, with Keras's rules, and the problems found on the way. Used by the generator, the
/// analyzer and the code fixes; it knows nothing of Roslyn.
/// </summary>
internal static class ShapeEngine
{
    private static readonly string MaxElementsText = int.MaxValue.ToString("N0", CultureInfo.InvariantCulture);

    /// <param name="limits">Size limits for SG0010, or null not to check them (the generator does not need to).</param>
    public static NetworkAnalysis Analyze(string modelName, IReadOnlyList<LayerSpec> specs, ResourceLimits? limits = null)
    {
        var issues = new List<ShapeIssue>();
        var inputShape = CheckInput(modelName, specs, issues);
        string inputName = InputName(specs);
        var names = AssignNames(specs, inputName, issues);

        for (int i = 0; i < specs.Count; i++)
        {
            ArgumentRules.Check(specs[i], names[i], i, issues);
        }

        var layers = new List<LayerResult>();
        if (inputShape != null)
        {
            Propagate(specs, names, inputShape, inputName, layers, issues);
        }

        var analysis = new NetworkAnalysis(
            modelName,
            (inputShape ?? Array.Empty<int>()).ToEquatableArray(),
            layers.ToEquatableArray(),
            EquatableArray<ShapeIssue>.Empty)
        {
            InputName = inputName,
            IsGraph = specs.Any(x => x.From != null || LayerKindFacts.IsMerge(x.Kind)),
        };
        if (limits != null && inputShape != null && issues.All(i => !i.IsError))
        {
            CheckLimits(analysis, limits, issues);
        }

        return analysis with { Issues = issues.OrderBy(i => i.AttributeIndex).ToEquatableArray() };
    }

    /// <summary>SG0010: parameters or the largest activation above the configured limits.</summary>
    private static void CheckLimits(NetworkAnalysis network, ResourceLimits limits, List<ShapeIssue> issues)
    {
        long parameters = network.Parameters;
        if (parameters > limits.MaxParameters)
        {
            var biggest = network.Layers.OrderByDescending(l => l.Parameters).First();
            issues.Add(new ShapeIssue(IssueIds.NetworkTooLarge, biggest.AttributeIndex,
                $"'{network.ModelName}' has {SummaryFormatter.Count(parameters)} parameters ({SummaryFormatter.Bytes(parameters * 4)} as float32), " +
                $"above the limit of {SummaryFormatter.Count(limits.MaxParameters)} ({ResourceLimits.MaxParametersKey}); the largest layer is " +
                $"{biggest.TypeName} '{biggest.Name}' with {SummaryFormatter.Count(biggest.Parameters)}. Make it smaller (fewer units or filters, " +
                $"or pooling before it), or raise the limit in .editorconfig: {ResourceLimits.MaxParametersKey} = {parameters}."));
        }

        var (layer, elements) = network.LargestActivation;
        long bytes = elements * 4;
        if (bytes > limits.MaxActivationBytes)
        {
            string where = layer == null ? "the input" : $"the output of {layer.TypeName} '{layer.Name}' ({Shapes.Dims(layer.OutputShape)})";
            issues.Add(new ShapeIssue(IssueIds.NetworkTooLarge, layer?.AttributeIndex ?? 0,
                $"The largest activation of '{network.ModelName}', {where}, takes {SummaryFormatter.Bytes(bytes)} " +
                $"({SummaryFormatter.Count(elements)} floats), above the limit of {SummaryFormatter.Bytes(limits.MaxActivationBytes)} " +
                $"({ResourceLimits.MaxActivationBytesKey}); every thread that runs Forward holds it in its workspace. Downsample earlier " +
                $"(a stride or pooling) or use fewer filters, or raise the limit in .editorconfig: {ResourceLimits.MaxActivationBytesKey} = {bytes}."));
        }
    }

    /// <summary>The name layers use for the network input: the [Input]'s Name, else "input".</summary>
    private static string InputName(IReadOnlyList<LayerSpec> specs)
        => specs.FirstOrDefault(x => x.Kind == LayerKind.Input)?.Name ?? NetworkAnalysis.DefaultInputName;

    private static int[]? CheckInput(string modelName, IReadOnlyList<LayerSpec> specs, List<ShapeIssue> issues)
    {
        int first = -1;
        for (int i = 0; i < specs.Count; i++)
        {
            if (specs[i].Kind != LayerKind.Input) continue;
            if (first >= 0)
            {
                issues.Add(new ShapeIssue(IssueIds.InvalidInput, i,
                    $"'{modelName}' has more than one [Input]; a stack has exactly one, first. Remove this one.")
                    .With(FixKeys.RemoveInput, "true"));
                continue;
            }
            first = i;
        }

        if (first < 0)
        {
            issues.Add(new ShapeIssue(IssueIds.InvalidInput, -1,
                $"'{modelName}' declares layers but no [Input]. Add [Input(height, width, channels)] (without the batch axis) as the first attribute.")
                .With(FixKeys.AddInput, FixKeys.Ints(PlaceholderInput(specs))));
            return null;
        }

        if (first != 0)
        {
            issues.Add(new ShapeIssue(IssueIds.InvalidInput, first,
                $"[Input] must be the first attribute of '{modelName}'; here it comes after {first} layer attribute(s), which would have no input. Move it to the top.")
                .With(FixKeys.MoveInputFirst, "true"));
        }

        var shape = specs[first].Shape;
        if (shape.Count == 0 || shape.Any(d => d <= 0))
        {
            string what = shape.Count == 0 ? "no dimensions" : $"the shape ({string.Join(", ", shape)})";
            issues.Add(new ShapeIssue(IssueIds.InvalidInput, first,
                $"[Input] of '{modelName}' has {what}; every dimension must be positive, e.g. [Input(28, 28, 1)] for a 28×28 grey image."));
            return null;
        }

        long elements;
        try
        {
            elements = Shapes.Product(shape);
        }
        catch (OverflowException)
        {
            elements = long.MaxValue;
        }
        if (elements > int.MaxValue)
        {
            issues.Add(new ShapeIssue(IssueIds.InvalidInput, first,
                $"[Input] of '{modelName}' has {Shapes.Dims(shape)} elements, more than {MaxElementsText}, the most generated code can index. Use a smaller input."));
            return null;
        }

        return first == 0 ? shape.ToArray() : null;
    }

    /// <summary>
    /// An input shape to start from when [Input] is missing, of the rank the first layer takes: an image for 2D
    /// layers, a sequence for 1D ones, a vector for Dense. The user replaces the numbers with the real ones.
    /// </summary>
    private static int[] PlaceholderInput(IReadOnlyList<LayerSpec> specs)
    {
        var first = specs.FirstOrDefault(s => LayerKindFacts.IsLayer(s.Kind));
        if (first == null) return new[] { 28, 28, 1 };
        if (LayerKindFacts.Is1D(first.Kind)) return new[] { 100, 1 };
        if (first.Kind == LayerKind.Dense) return new[] { 784 };
        return new[] { 28, 28, 1 };
    }

    /// <summary>Keras 3 default names: the snake_case stem with a per-stem counter (conv2d, conv2d_1, ...).</summary>
    private static string[] AssignNames(IReadOnlyList<LayerSpec> specs, string inputName, List<ShapeIssue> issues)
    {
        var names = new string[specs.Count];
        var counters = new Dictionary<string, int>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal) { inputName };
        for (int i = 0; i < specs.Count; i++)
        {
            var spec = specs[i];
            if (!LayerKindFacts.IsLayer(spec.Kind))
            {
                names[i] = spec.Kind.ToString();
                continue;
            }

            string name;
            if (spec.Name is { } explicitName)
            {
                name = explicitName;
                if (explicitName.Length == 0)
                {
                    issues.Add(new ShapeIssue(IssueIds.InvalidArgument, i, $"{spec.Kind}: Name must not be empty; leave it out for the Keras default."));
                }
            }
            else
            {
                string stem = LayerKindFacts.KerasStem(spec.Kind);
                counters.TryGetValue(stem, out int count);
                counters[stem] = count + 1;
                name = count == 0 ? stem : stem + "_" + count.ToString(CultureInfo.InvariantCulture);
            }

            if (!seen.Add(name))
            {
                string other = name == inputName ? "the network input" : "another layer of this network";
                issues.Add(new ShapeIssue(IssueIds.InvalidArgument, i,
                    $"{spec.Kind} '{name}': {other} is already named '{name}'; Keras requires unique layer names. Rename one of them."));
            }
            names[i] = name;
        }
        return names;
    }

    /// <summary>
    /// Walks the layers in declaration order. Each reads the previous layer's output, or the tensors it names
    /// (<c>From</c>, Add/Concatenate inputs): only names declared above are visible, so the graph has no cycles.
    /// </summary>
    private static void Propagate(IReadOnlyList<LayerSpec> specs, string[] names, int[] inputShape, string inputName,
        List<LayerResult> layers, List<ShapeIssue> issues)
    {
        var erroneous = new HashSet<int>(issues.Where(x => x.IsError).Select(x => x.AttributeIndex));
        var tensors = new Dictionary<string, int[]>(StringComparer.Ordinal) { [inputName] = inputShape };
        var declaredAt = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < specs.Count; i++)
        {
            if (LayerKindFacts.IsLayer(specs[i].Kind) && !declaredAt.ContainsKey(names[i])) declaredAt[names[i]] = i;
        }
        var consumed = new HashSet<string>(StringComparer.Ordinal);
        // Every name in the network, for fixes that insert a named layer (SG0001 on merges).
        var usedNames = new HashSet<string>(names, StringComparer.Ordinal) { inputName };
        string previous = inputName;
        // Each layer's result by name, so a rule can look at the layer that produced its input (SG0007's fix).
        var results = new Dictionary<string, LayerResult>(StringComparer.Ordinal);
        // Fixes that insert or remove a layer are offered in plain stacks only: in a graph they would shift the default
        // names other layers take (From, Add, Concatenate) and the inserted layer would not sit on the named path.
        // (The merge fixes of SG0001 are the exception: their layer has an explicit Name and From, see MergeRules.)
        bool sequential = !specs.Any(x => x.From != null || LayerKindFacts.IsMerge(x.Kind));
        // For SG0009: a Dense on a feature map is meant per position when a later layer flattens or pools anyway.
        int lastRankReducer = -1;
        for (int i = 0; i < specs.Count; i++)
        {
            if (specs[i].Kind is LayerKind.Flatten or LayerKind.Reshape or LayerKind.GlobalAveragePooling2D or LayerKind.GlobalMaxPooling2D)
                lastRankReducer = i;
        }
        long parameters = 0, multiplyAdds = 0;
        for (int i = 1; i < specs.Count; i++)
        {
            var spec = specs[i];
            if (spec.Kind == LayerKind.Input) continue;
            // Arguments the engine rejected make the arithmetic meaningless: stop before them.
            if (erroneous.Contains(i)) return;

            if (spec.Kind == LayerKind.ExpectShape)
            {
                CheckExpectation(new LayerContext(spec, names[i], i, tensors[previous], Producer(previous, inputName), issues));
                continue;
            }

            string[] inbound = LayerKindFacts.IsMerge(spec.Kind) ? spec.Inputs.ToArray() : new[] { spec.From ?? previous };
            if (!ResolveInbound(spec, names[i], i, inbound, tensors, declaredAt, issues)) return;
            consumed.UnionWith(inbound);

            var context = new LayerContext(spec, names[i], i, tensors[inbound[0]], Producer(inbound[0], inputName), issues)
            {
                InboundNames = inbound,
                InboundShapes = inbound.Select(n => tensors[n]).ToArray(),
                ProducerLayer = results.TryGetValue(inbound[0], out var producer) ? producer : null,
                RankReducedLater = lastRankReducer > i,
                Sequential = sequential,
                UsedNames = usedNames,
            };
            LayerResult? result;
            try
            {
                result = LayerRules.Apply(context);
                if (result != null)
                {
                    // Generated code indexes tensors with int, and its constructor takes all parameters as one span.
                    if (result.OutputElements > int.MaxValue) throw new OverflowException();
                    parameters = checked(parameters + result.Parameters);
                    if (parameters > int.MaxValue) throw new OverflowException();
                    multiplyAdds = checked(multiplyAdds + result.MultiplyAdds);
                }
            }
            catch (OverflowException)
            {
                issues.Add(new ShapeIssue(IssueIds.InvalidArgument, i,
                    $"{context.Title}: with these arguments its output from {Shapes.Dims(context.Input)} would hold more than {MaxElementsText} elements, " +
                    $"or the network's parameters would pass {MaxElementsText} (the constructor takes them as one span): more than generated code can index. Use smaller arguments."));
                return;
            }
            if (result == null) return; // the rule reported why; later layers would only repeat it.
            result = result with
            {
                Inbound = inbound.ToEquatableArray(),
                InputShapes = inbound.Select(n => tensors[n].ToEquatableArray()).ToEquatableArray(),
            };
            layers.Add(result);
            tensors[names[i]] = result.OutputShape.ToArray();
            results[names[i]] = result;
            previous = names[i];
        }

        ReportUnused(layers, consumed, issues);
    }

    private static string Producer(string tensor, string inputName) => tensor == inputName ? "the input" : $"'{tensor}'";

    /// <summary>SG0014/SG0015: every named input must be a layer declared above (or the input).</summary>
    private static bool ResolveInbound(LayerSpec spec, string name, int index, string[] inbound, Dictionary<string, int[]> tensors,
        Dictionary<string, int> declaredAt, List<ShapeIssue> issues)
    {
        string title = $"{spec.Kind} '{name}'";
        if (LayerKindFacts.IsMerge(spec.Kind) && inbound.Length < 2)
        {
            issues.Add(new ShapeIssue(IssueIds.InvalidArgument, index,
                $"{title} merges {inbound.Length} input(s); name at least two layers, e.g. [{spec.Kind}(\"a\", \"b\")]."));
            return false;
        }
        foreach (var source in inbound)
        {
            if (tensors.ContainsKey(source)) continue;
            if (declaredAt.TryGetValue(source, out int at) && at >= index)
            {
                string what = at == index ? "itself" : $"'{source}', which is declared below it";
                issues.Add(new ShapeIssue(IssueIds.ForwardReference, index,
                    $"{title} takes {what}. A layer can only take layers declared above it (that is how a network stays free of cycles): move this attribute below '{source}', or take another layer."));
            }
            else
            {
                string suggestion = NameSuggestions.Closest(source, tensors.Keys) is { } close ? $" Did you mean '{close}'?" : "";
                issues.Add(new ShapeIssue(IssueIds.UnknownLayerName, index,
                    $"{title} takes '{source}', but no layer above it has that name.{suggestion} Known names: {string.Join(", ", tensors.Keys.Select(k => "'" + k + "'"))}."));
            }
            return false;
        }
        return true;
    }

    /// <summary>SG0016: a layer whose output nothing reads (the last layer is the network output).</summary>
    private static void ReportUnused(List<LayerResult> layers, HashSet<string> consumed, List<ShapeIssue> issues)
    {
        for (int i = 0; i < layers.Count - 1; i++)
        {
            var layer = layers[i];
            if (consumed.Contains(layer.Name)) continue;
            issues.Add(new ShapeIssue(IssueIds.UnusedLayer, layer.AttributeIndex,
                $"{layer.Spec.Kind} '{layer.Name}' is computed but no layer takes its output; the network's output is the last layer, '{layers[layers.Count - 1].Name}'. " +
                $"Use it (e.g. From = \"{layer.Name}\", or in an Add/Concatenate), or remove it."));
        }
    }

    private static void CheckExpectation(LayerContext context)
    {
        var expected = context.Spec.Shape;
        if (expected.SequenceEqual(context.Input)) return;
        context.Report(IssueIds.ShapeMismatch,
            $"ExpectShape{Shapes.List(expected)} does not hold: after {context.Producer} the shape is {Shapes.List(context.Input)} ({Shapes.Describe(context.Input)}). " +
            $"Update the expectation to [ExpectShape({string.Join(", ", context.Input)})] or change the layers above it.",
            new IssueProperty(FixKeys.ActualShape, FixKeys.Ints(context.Input)));
    }
}

/// <summary>What a layer rule sees: its spec, its name, its input, and where to report.</summary>
internal sealed class LayerContext
{
    private readonly List<ShapeIssue> _issues;

    public LayerContext(LayerSpec spec, string name, int index, int[] input, string producer, List<ShapeIssue> issues)
    {
        Spec = spec;
        Name = name;
        Index = index;
        Input = input;
        Producer = producer;
        _issues = issues;
    }

    public LayerSpec Spec { get; }
    public string Name { get; }
    public int Index { get; }
    public int[] Input { get; }
    /// <summary>Who produced the input, for messages: <c>'flatten'</c> or <c>the input</c>.</summary>
    public string Producer { get; }

    /// <summary>The names of the tensors the layer reads (merges read several).</summary>
    public IReadOnlyList<string> InboundNames { get; init; } = Array.Empty<string>();

    /// <summary>The shapes of those tensors.</summary>
    public IReadOnlyList<int[]> InboundShapes { get; init; } = Array.Empty<int[]>();

    /// <summary>The layer whose output this one reads (the first, for merges), or null for the network input.</summary>
    public LayerResult? ProducerLayer { get; init; }

    /// <summary>Whether a Flatten, Reshape or global pooling is declared later in the stack.</summary>
    public bool RankReducedLater { get; init; }

    /// <summary>Whether the network is a plain stack (no From, no merges): only then do fixes insert or remove layers.</summary>
    public bool Sequential { get; init; }

    /// <summary>Every layer name of the network (and the input's), so that a fix can pick a new one.</summary>
    public IReadOnlyCollection<string> UsedNames { get; init; } = Array.Empty<string>();

    /// <summary><c>Conv2D 'conv2d_1'</c>: how messages name the layer.</summary>
    public string Title => $"{Spec.Kind} '{Name}'";

    public void Report(string id, string message, params IssueProperty[] properties)
        => _issues.Add(new ShapeIssue(id, Index, message) { Properties = properties.ToEquatableArray() });
}

/// <summary>SG0010's limits, from .editorconfig (<c>shapegen.max_parameters</c>, <c>shapegen.max_activation_bytes</c>) or the defaults.</summary>
internal sealed record ResourceLimits(long MaxParameters, long MaxActivationBytes)
{
    public const string MaxParametersKey = "shapegen.max_parameters";
    public const string MaxActivationBytesKey = "shapegen.max_activation_bytes";

    /// <summary>100 million parameters (400 MB of float32).</summary>
    public const long DefaultMaxParameters = 100_000_000;

    /// <summary>64 MiB for the largest single activation.</summary>
    public const long DefaultMaxActivationBytes = 64L * 1024 * 1024;

    public static ResourceLimits Default { get; } = new(DefaultMaxParameters, DefaultMaxActivationBytes);

    /// <summary>The limits from option text (null or invalid text: the default). Digits may be grouped with '_'.</summary>
    public static ResourceLimits From(string? maxParameters, string? maxActivationBytes)
        => new(Parse(maxParameters, DefaultMaxParameters), Parse(maxActivationBytes, DefaultMaxActivationBytes));

    private static long Parse(string? text, long fallback)
        => text != null && long.TryParse(text.Trim().Replace("_", ""), NumberStyles.None, CultureInfo.InvariantCulture, out long value) && value > 0
            ? value
            : fallback;
}

