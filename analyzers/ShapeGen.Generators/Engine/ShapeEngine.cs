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
    public static NetworkAnalysis Analyze(string modelName, IReadOnlyList<LayerSpec> specs)
    {
        var issues = new List<ShapeIssue>();
        var inputShape = CheckInput(modelName, specs, issues);
        var names = AssignNames(specs, issues);

        for (int i = 0; i < specs.Count; i++)
        {
            ArgumentRules.Check(specs[i], names[i], i, issues);
        }

        var layers = new List<LayerResult>();
        if (inputShape != null)
        {
            Propagate(specs, names, inputShape, layers, issues);
        }

        return new NetworkAnalysis(
            modelName,
            (inputShape ?? Array.Empty<int>()).ToEquatableArray(),
            layers.ToEquatableArray(),
            issues.OrderBy(i => i.AttributeIndex).ToEquatableArray());
    }

    private static int[]? CheckInput(string modelName, IReadOnlyList<LayerSpec> specs, List<ShapeIssue> issues)
    {
        int first = -1;
        for (int i = 0; i < specs.Count; i++)
        {
            if (specs[i].Kind != LayerKind.Input) continue;
            if (first >= 0)
            {
                issues.Add(new ShapeIssue(IssueIds.InvalidInput, i,
                    $"'{modelName}' has more than one [Input]; a stack has exactly one, first. Remove this one."));
                continue;
            }
            first = i;
        }

        if (first < 0)
        {
            issues.Add(new ShapeIssue(IssueIds.InvalidInput, -1,
                $"'{modelName}' declares layers but no [Input]. Add [Input(height, width, channels)] (without the batch axis) as the first attribute."));
            return null;
        }

        if (first != 0)
        {
            issues.Add(new ShapeIssue(IssueIds.InvalidInput, first,
                $"[Input] must be the first attribute of '{modelName}'; here it comes after {first} layer attribute(s), which would have no input. Move it to the top."));
        }

        var shape = specs[first].Shape;
        if (shape.Count == 0 || shape.Any(d => d <= 0))
        {
            string what = shape.Count == 0 ? "no dimensions" : $"the shape ({string.Join(", ", shape)})";
            issues.Add(new ShapeIssue(IssueIds.InvalidInput, first,
                $"[Input] of '{modelName}' has {what}; every dimension must be positive, e.g. [Input(28, 28, 1)] for a 28×28 grey image."));
            return null;
        }

        return first == 0 ? shape.ToArray() : null;
    }

    /// <summary>Keras 3 default names: the snake_case stem with a per-stem counter (conv2d, conv2d_1, ...).</summary>
    private static string[] AssignNames(IReadOnlyList<LayerSpec> specs, List<ShapeIssue> issues)
    {
        var names = new string[specs.Count];
        var counters = new Dictionary<string, int>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
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
                issues.Add(new ShapeIssue(IssueIds.InvalidArgument, i,
                    $"{spec.Kind} '{name}': another layer of this network is already named '{name}'; Keras requires unique layer names. Rename one of them."));
            }
            names[i] = name;
        }
        return names;
    }

    private static void Propagate(IReadOnlyList<LayerSpec> specs, string[] names, int[] inputShape,
        List<LayerResult> layers, List<ShapeIssue> issues)
    {
        var erroneous = new HashSet<int>(issues.Where(x => x.IsError).Select(x => x.AttributeIndex));
        int[] shape = inputShape;
        string producer = "the input";
        for (int i = 1; i < specs.Count; i++)
        {
            var spec = specs[i];
            if (spec.Kind == LayerKind.Input) continue;
            // Arguments the engine rejected make the arithmetic meaningless: stop before them.
            if (erroneous.Contains(i)) return;

            var context = new LayerContext(spec, names[i], i, shape, producer, issues);
            if (spec.Kind == LayerKind.ExpectShape)
            {
                CheckExpectation(context);
                continue;
            }

            var result = LayerRules.Apply(context);
            if (result == null) return; // the rule reported why; later layers would only repeat it.
            layers.Add(result);
            shape = result.OutputShape.ToArray();
            producer = $"'{names[i]}'";
        }
    }

    private static void CheckExpectation(LayerContext context)
    {
        var expected = context.Spec.Shape;
        if (expected.SequenceEqual(context.Input)) return;
        context.Report(IssueIds.ShapeMismatch,
            $"ExpectShape{Shapes.List(expected)} does not hold: after {context.Producer} the shape is {Shapes.List(context.Input)} ({Shapes.Describe(context.Input)}). " +
            $"Update the expectation to [ExpectShape({string.Join(", ", context.Input)})] or change the layers above it.");
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

    /// <summary><c>Conv2D 'conv2d_1'</c>: how messages name the layer.</summary>
    public string Title => $"{Spec.Kind} '{Name}'";

    public void Report(string id, string message) => _issues.Add(new ShapeIssue(id, Index, message));
}
