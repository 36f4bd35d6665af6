using Microsoft.CodeAnalysis;
using ShapeGen.Generators.Engine;

namespace ShapeGen.Generators.Diagnostics;

/// <summary>Every diagnostic ShapeGen reports. Messages come from the shape engine and carry the arithmetic and a fix.</summary>
internal static class DiagnosticDescriptors
{
    public const string Category = "ShapeGen";
    public const string HelpLinkBase = "https://github.com/shapegen/shapegen/blob/main/docs/diagnostics/";

    public static readonly DiagnosticDescriptor ShapeMismatch = Create(
        IssueIds.ShapeMismatch, "Shape or channel mismatch", DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor DroppedRowsOrColumns = Create(
        IssueIds.DroppedRowsOrColumns, "Valid padding never reads the last rows or columns", DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor NonPositiveSize = Create(
        IssueIds.NonPositiveSize, "Output dimension would be zero or negative", DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor InvalidArgument = Create(
        IssueIds.InvalidArgument, "Invalid layer argument", DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor InvalidInput = Create(
        IssueIds.InvalidInput, "Missing, misplaced or invalid [Input]", DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor NotPartial = Create(
        IssueIds.NotPartial, "A network type must be partial", DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor WrongRank = Create(
        IssueIds.WrongRank, "Input of the wrong rank", DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor UnevenSamePadding = Create(
        IssueIds.UnevenSamePadding, "'same' padding splits unevenly (portability note)", DiagnosticSeverity.Info);

    public static readonly DiagnosticDescriptor DenseOnFeatureMap = Create(
        IssueIds.DenseOnFeatureMap, "Dense on a feature map acts on the last axis only", DiagnosticSeverity.Info);

    public static readonly DiagnosticDescriptor NetworkTooLarge = Create(
        IssueIds.NetworkTooLarge, "Network larger than the configured limit", DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor UnknownLayerName = Create(
        IssueIds.UnknownLayerName, "Unknown layer name", DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor ForwardReference = Create(
        IssueIds.ForwardReference, "A layer takes a layer declared below it", DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor UnusedLayer = Create(
        IssueIds.UnusedLayer, "A layer's output is never used", DiagnosticSeverity.Warning);

    /// <summary>[Weights]: the file lacks a tensor, has an extra one, or one of the wrong shape or dtype.</summary>
    public static readonly DiagnosticDescriptor WeightFileMismatch = Create(
        "SG0020", "The weight file does not fit the network", DiagnosticSeverity.Error);

    /// <summary>[Weights]: the file is not among the AdditionalFiles, so it cannot be checked (or embedded).</summary>
    public static readonly DiagnosticDescriptor WeightFileNotListed = Create(
        "SG0021", "The weight file is not an AdditionalFiles item", DiagnosticSeverity.Warning);

    /// <summary>[Weights]: the file cannot be read at build time (corrupt, or a format checked only at load time).</summary>
    public static readonly DiagnosticDescriptor WeightFileUnreadable = Create(
        "SG0022", "The weight file cannot be checked at build time", DiagnosticSeverity.Warning);

    /// <summary>[Weights(Embed = true)] on a file too large to embed.</summary>
    public static readonly DiagnosticDescriptor WeightFileTooLargeToEmbed = Create(
        "SG0023", "The weight file is too large to embed", DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor MemberClash = Create(
        "SG0008", "A member name ShapeGen generates is taken", DiagnosticSeverity.Error);

    /// <summary>Reported by the generator only if it fails unexpectedly, instead of the compiler's silent CS8785.</summary>
    public static readonly DiagnosticDescriptor GeneratorFailure = Create(
        "SG9999", "ShapeGen could not generate code", DiagnosticSeverity.Warning);

    public static DiagnosticDescriptor ForId(string id) => id switch
    {
        IssueIds.ShapeMismatch => ShapeMismatch,
        IssueIds.DroppedRowsOrColumns => DroppedRowsOrColumns,
        IssueIds.NonPositiveSize => NonPositiveSize,
        IssueIds.InvalidArgument => InvalidArgument,
        IssueIds.InvalidInput => InvalidInput,
        IssueIds.NotPartial => NotPartial,
        IssueIds.WrongRank => WrongRank,
        IssueIds.UnevenSamePadding => UnevenSamePadding,
        IssueIds.DenseOnFeatureMap => DenseOnFeatureMap,
        IssueIds.NetworkTooLarge => NetworkTooLarge,
        IssueIds.UnknownLayerName => UnknownLayerName,
        IssueIds.ForwardReference => ForwardReference,
        IssueIds.UnusedLayer => UnusedLayer,
        _ => GeneratorFailure,
    };

    private static DiagnosticDescriptor Create(string id, string title, DiagnosticSeverity severity) => new(
        id,
        title,
        messageFormat: "{0}",
        Category,
        severity,
        isEnabledByDefault: true,
        description: null,
        helpLinkUri: HelpLinkBase + id + ".md");
}
