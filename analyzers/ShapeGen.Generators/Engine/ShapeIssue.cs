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
    public const string UnknownLayerName = "SG0014";
    public const string ForwardReference = "SG0015";
    public const string UnusedLayer = "SG0016";
}

/// <summary>A problem found by the engine. <see cref="AttributeIndex"/> is the index of the offending attribute, or -1 for the type itself.</summary>
internal sealed record ShapeIssue(string Id, int AttributeIndex, string Message)
{
    public bool IsError => Id is not (IssueIds.DroppedRowsOrColumns or IssueIds.UnusedLayer);
}
