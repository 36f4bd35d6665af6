using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ShapeGen.Generators.Common;

namespace ShapeGen.Generators.Engine;

/// <summary>Diagnostic IDs the engine produces; descriptors live in the analyzer.</summary>
internal static class IssueIds
{
    public const string ShapeMismatch = "SG0001";
    public const string DroppedRowsOrColumns = "SG0002";
    public const string NonPositiveSize = "SG0003";
    public const string InvalidArgument = "SG0004";
    public const string InvalidInput = "SG0005";
    public const string NotPartial = "SG0006";
    public const string WrongRank = "SG0007";
    public const string UnevenSamePadding = "SG0011";
    public const string DenseOnFeatureMap = "SG0009";
    public const string NetworkTooLarge = "SG0010";
    public const string UnknownLayerName = "SG0014";
    public const string ForwardReference = "SG0015";
    public const string UnusedLayer = "SG0016";

    /// <summary>The default severity of each ID: the analyzer's descriptors use it, and only errors stop code generation.</summary>
    public static IssueSeverity SeverityOf(string id) => id switch
    {
        DroppedRowsOrColumns => IssueSeverity.Warning,
        NetworkTooLarge => IssueSeverity.Warning,
        UnusedLayer => IssueSeverity.Warning,
        UnevenSamePadding => IssueSeverity.Info,
        DenseOnFeatureMap => IssueSeverity.Info,
        _ => IssueSeverity.Error,
    };
}

internal enum IssueSeverity
{
    Error,
    Warning,
    Info,
}

/// <summary>
/// Facts the engine attaches to an issue so that a code fix can apply the remedy the message proposes without
/// recomputing it. The analyzer copies them into <c>Diagnostic.Properties</c>; values are invariant text.
/// </summary>
internal static class FixKeys
{
    /// <summary>"true": switching this layer to <c>Padding.Same</c> fixes it (SG0002, SG0003).</summary>
    public const string PaddingSame = "ShapeGen.PaddingSame";
    /// <summary>"top,bottom,left,right": a <c>ZeroPadding2D</c> to insert before the layer (SG0002).</summary>
    public const string ZeroPadding = "ShapeGen.ZeroPadding";
    /// <summary>"1": the nearest stride below the current one with which every cell is read (SG0002).</summary>
    public const string SmallerStride = "ShapeGen.SmallerStride";
    /// <summary>"3": the nearest stride above the current one with which every cell is read (SG0002).</summary>
    public const string LargerStride = "ShapeGen.LargerStride";
    /// <summary>"26,26,8": the shape an <c>[ExpectShape]</c> actually sees (SG0001).</summary>
    public const string ActualShape = "ShapeGen.ActualShape";
    /// <summary>Attribute index of a <c>[Flatten]</c> whose removal gives the layer the rank it needs (SG0007).</summary>
    public const string RemoveFlatten = "ShapeGen.RemoveFlatten";
    /// <summary>"121,64": a <c>[Reshape]</c> to insert before the layer to give it the rank it needs (SG0007).</summary>
    public const string Reshape = "ShapeGen.Reshape";
    /// <summary>"true": a <c>[Flatten]</c> inserted before the layer is what was probably meant (SG0009).</summary>
    public const string InsertFlatten = "ShapeGen.InsertFlatten";
    /// <summary>"true": a <c>[GlobalAveragePooling2D]</c> inserted before the layer is the other usual head (SG0009).</summary>
    public const string InsertGlobalPooling = "ShapeGen.InsertGlobalPooling";
    /// <summary>"28,28,1": an <c>[Input]</c> to add first, shaped for the first layer (SG0005).</summary>
    public const string AddInput = "ShapeGen.AddInput";
    /// <summary>"true": this <c>[Input]</c> should move to the top (SG0005).</summary>
    public const string MoveInputFirst = "ShapeGen.MoveInputFirst";
    /// <summary>"true": this <c>[Input]</c> is a duplicate to remove (SG0005).</summary>
    public const string RemoveInput = "ShapeGen.RemoveInput";
    /// <summary>"true": add the <c>partial</c> modifier to the type at the location (SG0006; set by the analyzer).</summary>
    public const string AddPartial = "ShapeGen.AddPartial";
    /// <summary>"true": remove the <c>static</c> modifier from the type at the location (SG0006; set by the analyzer).</summary>
    public const string RemoveStatic = "ShapeGen.RemoveStatic";

    /// <summary>
    /// SG0001 on Add/Concatenate: the layer attribute to insert before the merge, without brackets, with explicit
    /// <c>From</c> and <c>Name</c>, e.g. <c>Conv2D(64, 1, From = "b", Name = "b_projected")</c> or
    /// <c>Cropping2D(4, From = "skip", Name = "skip_cropped")</c>.
    /// </summary>
    public const string MergeInsert = "ShapeGen.MergeInsert";
    /// <summary>SG0001 on Add/Concatenate: the merge input to replace with the inserted layer, e.g. "b".</summary>
    public const string MergeInput = "ShapeGen.MergeInput";
    /// <summary>SG0001 on Add/Concatenate: the inserted layer's name (unused elsewhere in the network), e.g. "b_projected".</summary>
    public const string MergeNewName = "ShapeGen.MergeNewName";

    public static string Ints(IEnumerable<int> values) => string.Join(",", values.Select(v => v.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Parses <see cref="Ints"/>; null for anything else.</summary>
    public static int[]? ParseInts(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var parts = text!.Split(',');
        var values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out values[i])) return null;
        }
        return values;
    }
}

/// <summary>One fact for a code fix (see <see cref="FixKeys"/>).</summary>
internal readonly record struct IssueProperty(string Key, string Value);

/// <summary>A problem found by the engine. <see cref="AttributeIndex"/> is the index of the offending attribute, or -1 for the type itself.</summary>
internal sealed record ShapeIssue(string Id, int AttributeIndex, string Message)
{
    /// <summary>Facts for the code fixes, computed here so that no fix repeats the engine's arithmetic.</summary>
    public EquatableArray<IssueProperty> Properties { get; init; } = EquatableArray<IssueProperty>.Empty;

    public IssueSeverity Severity => IssueIds.SeverityOf(Id);

    /// <summary>Only errors stop code generation: warnings (SG0002, SG0010, SG0016) and notes (SG0009, SG0011) describe code that works.</summary>
    public bool IsError => Severity == IssueSeverity.Error;

    public string? Property(string key)
    {
        foreach (var property in Properties)
        {
            if (property.Key == key) return property.Value;
        }
        return null;
    }

    public ShapeIssue With(string key, string value)
        => this with { Properties = Properties.Concat(new[] { new IssueProperty(key, value) }).ToEquatableArray() };
}
