using System;
using System.Collections.Generic;
using System.Linq;

namespace ShapeGen.Generators.Engine;

/// <summary>Add and Concatenate: where graph networks meet, and where channel mismatches really happen (SG0001).</summary>
internal static class MergeRules
{
    /// <summary>Keras Add: every input has the same shape; the output is that shape.</summary>
    public static LayerResult? Add(LayerContext c)
    {
        var first = c.InboundShapes[0];
        for (int i = 1; i < c.InboundShapes.Count; i++)
        {
            var other = c.InboundShapes[i];
            if (other.SequenceEqual(first)) continue;
            var fix = AddFix(c.InboundNames[0], first, c.InboundNames[i], other);
            c.Report(IssueIds.ShapeMismatch,
                $"{c.Title} adds '{c.InboundNames[0]}' ({Shapes.Dims(first)}) and '{c.InboundNames[i]}' ({Shapes.Dims(other)}); Add needs identical shapes. " +
                fix.Message, Properties(c, fix, "_projected"));
            return null;
        }
        return LayerRules.Result(c, first, 0, 0, 0);
    }

    /// <summary>The remedy in words and, when a layer inserted before the merge fixes it, that layer (arguments before From) and the input it replaces.</summary>
    private readonly record struct MergeFix(string Message, string? Layer = null, string? Input = null);

    /// <summary>The fix facts: the attribute to insert (with From and a new, unused Name), the input it replaces, and that name.</summary>
    private static IssueProperty[] Properties(LayerContext c, MergeFix fix, string suffix)
    {
        if (fix.Layer == null || fix.Input == null) return Array.Empty<IssueProperty>();
        string name = fix.Input + suffix;
        for (int n = 2; c.UsedNames.Contains(name); n++) name = fix.Input + suffix + "_" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string layer = fix.Layer.Substring(0, fix.Layer.Length - 1);
        return new[]
        {
            new IssueProperty(FixKeys.MergeInsert, $"{layer}, From = {Literal(fix.Input)}, Name = {Literal(name)})"),
            new IssueProperty(FixKeys.MergeInput, fix.Input),
            new IssueProperty(FixKeys.MergeNewName, name),
        };
    }

    /// <summary>A C# string literal.</summary>
    private static string Literal(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static MergeFix AddFix(string nameA, int[] a, string nameB, int[] b)
    {
        if (a.Length != b.Length) return new("Flatten or Reshape one of them so the ranks agree.");
        if (a.Length != 3) return new("Change the layers so both produce the same shape.");
        bool sameSpatial = a[0] == b[0] && a[1] == b[1];
        // The input with fewer channels (or the larger image) is the shortcut to adapt, as in a ResNet projection.
        var (shortcut, target, shortcutShape) = b[2] < a[2] || (b[2] == a[2] && b[0] > a[0]) ? (nameB, a, b) : (nameA, b, a);
        if (sameSpatial)
            return new($"Project the shortcut with a 1×1 convolution: [Conv2D({target[2]}, 1, From = \"{shortcut}\")], and add that instead of '{shortcut}'.",
                $"Conv2D({target[2]}, 1)", shortcut);
        if (shortcutShape[0] % target[0] == 0 && shortcutShape[1] % target[1] == 0 && shortcutShape[0] / target[0] == shortcutShape[1] / target[1])
        {
            int stride = shortcutShape[0] / target[0];
            // Padding.Same: with n = stride·m it pads nothing and gives the same m positions as valid padding, without
            // valid padding's SG0002 on the rows and columns after the last position.
            return new($"Downsample the shortcut with a strided 1×1 convolution: [Conv2D({target[2]}, 1, Padding.Same, Stride = {stride}, From = \"{shortcut}\")], and add that instead of '{shortcut}'.",
                $"Conv2D({target[2]}, 1, Padding.Same, Stride = {stride})", shortcut);
        }
        return new("Bring both to the same height, width and channels (crop, pad, stride or project one of them).");
    }

    /// <summary>Keras Concatenate on the last axis: every other dimension agrees; channels add up.</summary>
    public static LayerResult? Concatenate(LayerContext c)
    {
        var first = c.InboundShapes[0];
        for (int i = 1; i < c.InboundShapes.Count; i++)
        {
            var other = c.InboundShapes[i];
            if (other.Length == first.Length && other.Take(other.Length - 1).SequenceEqual(first.Take(first.Length - 1))) continue;
            var fix = ConcatenateFix(c.InboundNames[0], first, c.InboundNames[i], other);
            c.Report(IssueIds.ShapeMismatch,
                $"{c.Title} joins '{c.InboundNames[0]}' ({Shapes.Dims(first)}) and '{c.InboundNames[i]}' ({Shapes.Dims(other)}) on the channel axis, so every other dimension must agree. " +
                fix.Message, Properties(c, fix, "_cropped"));
            return null;
        }
        var output = first.ToArray();
        output[output.Length - 1] = c.InboundShapes.Sum(s => s[s.Length - 1]);
        return LayerRules.Result(c, output, 0, 0, 0);
    }

    private static MergeFix ConcatenateFix(string nameA, int[] a, string nameB, int[] b)
    {
        if (a.Length != b.Length || a.Length != 3) return new("Reshape one of them so all but the last dimension agree.");
        bool aLarger = a[0] >= b[0] && a[1] >= b[1];
        bool bLarger = b[0] >= a[0] && b[1] >= a[1];
        if (!aLarger && !bLarger) return new("Crop or pad the inputs to the same height and width.");
        var (largeName, large, small) = aLarger ? (nameA, a, b) : (nameB, b, a);
        int dh = large[0] - small[0], dw = large[1] - small[1];
        string amounts;
        if (dh == dw && dh % 2 == 0) amounts = $"{dh / 2}";
        else if (dh % 2 == 0 && dw % 2 == 0) amounts = $"{dh / 2}, {dw / 2}";
        else amounts = $"{dh / 2}, {dh - dh / 2}, {dw / 2}, {dw - dw / 2}";
        return new($"Crop the larger input as U-Net does: [Cropping2D({amounts}, From = \"{largeName}\")] ({Shapes.Dims(large)} → {small[0]}×{small[1]}×{large[2]}), and concatenate that instead of '{largeName}'.",
            $"Cropping2D({amounts})", largeName);
    }
}
