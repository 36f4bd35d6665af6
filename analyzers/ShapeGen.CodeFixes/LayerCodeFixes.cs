using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;
using ShapeGen.Generators.Engine;

namespace ShapeGen.CodeFixes;

/// <summary>SG0001 on <c>[ExpectShape]</c>: update the expectation to the shape the engine computed there.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UpdateExpectShapeCodeFixProvider)), Shared]
public sealed class UpdateExpectShapeCodeFixProvider : ShapeGenCodeFixProvider
{
    public const string EquivalenceKey = "ShapeGen.UpdateExpectShape";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = Ids(IssueIds.ShapeMismatch);

    internal override void Register(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic)
    {
        var actual = FixKeys.ParseInts(Property(diagnostic, FixKeys.ActualShape));
        if (actual == null) return;
        var attribute = AttributeText.FindAttribute(root, diagnostic.Location.SourceSpan);
        if (attribute?.ArgumentList == null) return;
        string arguments = "(" + AttributeText.List(actual) + ")";
        Offer(context, diagnostic, $"Update the expectation to [ExpectShape{arguments}]", EquivalenceKey,
            token => AttributeText.ApplyAsync(context.Document, new[] { new TextChange(attribute.ArgumentList.Span, arguments) }, token));
    }
}

/// <summary>SG0007: remove the <c>[Flatten]</c> that took away the axes a Conv/pooling layer needs.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveFlattenCodeFixProvider)), Shared]
public sealed class RemoveFlattenCodeFixProvider : ShapeGenCodeFixProvider
{
    public const string EquivalenceKey = "ShapeGen.RemoveFlatten";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = Ids(IssueIds.WrongRank);

    internal override void Register(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic)
    {
        if (!int.TryParse(Property(diagnostic, FixKeys.RemoveFlatten), NumberStyles.None, CultureInfo.InvariantCulture, out int index)) return;
        var attribute = AttributeText.FindAttribute(root, diagnostic.Location.SourceSpan);
        if (attribute == null) return;
        Offer(context, diagnostic, "Remove the [Flatten] before it", EquivalenceKey, async token =>
        {
            var type = await AttributeText.DeclaredTypeAsync(context.Document, AttributeText.Owner(attribute), token).ConfigureAwait(false);
            var flatten = type == null ? null : AttributeText.LayerAttribute(type, index, attribute.SyntaxTree, token);
            if (flatten == null) return context.Document;
            var text = await context.Document.GetTextAsync(token).ConfigureAwait(false);
            return await AttributeText.ApplyAsync(context.Document, new[] { AttributeText.Remove(text, flatten) }, token).ConfigureAwait(false);
        });
    }
}

/// <summary>SG0007: insert the <c>[Reshape]</c> that turns an image into a sequence or a sequence into an image.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(InsertReshapeCodeFixProvider)), Shared]
public sealed class InsertReshapeCodeFixProvider : ShapeGenCodeFixProvider
{
    public const string EquivalenceKey = "ShapeGen.InsertReshape";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = Ids(IssueIds.WrongRank);

    internal override void Register(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic)
    {
        var shape = FixKeys.ParseInts(Property(diagnostic, FixKeys.Reshape));
        if (shape == null) return;
        var attribute = AttributeText.FindAttribute(root, diagnostic.Location.SourceSpan);
        if (attribute == null) return;
        string arguments = "(" + AttributeText.List(shape) + ")";
        Offer(context, diagnostic, $"Insert [Reshape{arguments}] before it", EquivalenceKey, async token =>
        {
            var text = await context.Document.GetTextAsync(token).ConfigureAwait(false);
            var change = AttributeText.InsertBefore(text, attribute, AttributeText.AttributeName(attribute, "Reshape") + arguments);
            return await AttributeText.ApplyAsync(context.Document, new[] { change }, token).ConfigureAwait(false);
        });
    }
}

/// <summary>SG0009: insert the <c>[Flatten]</c> (or <c>[GlobalAveragePooling2D]</c>) a Dense on a feature map probably lacks.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(InsertFlattenCodeFixProvider)), Shared]
public sealed class InsertFlattenCodeFixProvider : ShapeGenCodeFixProvider
{
    public const string FlattenKey = "ShapeGen.InsertFlatten";
    public const string GlobalPoolingKey = "ShapeGen.InsertGlobalAveragePooling2D";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = Ids(IssueIds.DenseOnFeatureMap);

    internal override void Register(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic)
    {
        var attribute = AttributeText.FindAttribute(root, diagnostic.Location.SourceSpan);
        if (attribute == null) return;
        foreach (var (key, layer, equivalenceKey) in new[]
                 {
                     (FixKeys.InsertFlatten, "Flatten", FlattenKey),
                     (FixKeys.InsertGlobalPooling, "GlobalAveragePooling2D", GlobalPoolingKey),
                 })
        {
            if (Property(diagnostic, key) != "true") continue;
            Offer(context, diagnostic, $"Insert [{layer}] before it", equivalenceKey, async token =>
            {
                var text = await context.Document.GetTextAsync(token).ConfigureAwait(false);
                var change = AttributeText.InsertBefore(text, attribute, AttributeText.AttributeName(attribute, layer));
                return await AttributeText.ApplyAsync(context.Document, new[] { change }, token).ConfigureAwait(false);
            });
        }
    }
}
