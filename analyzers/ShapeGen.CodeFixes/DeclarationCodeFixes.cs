using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using ShapeGen.Generators.Engine;

namespace ShapeGen.CodeFixes;

/// <summary>SG0005: add an <c>[Input]</c> first (shaped for the first layer), move the <c>[Input]</c> to the top, or remove a second one.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(InputCodeFixProvider)), Shared]
public sealed class InputCodeFixProvider : ShapeGenCodeFixProvider
{
    public const string AddKey = "ShapeGen.AddInput";
    public const string MoveKey = "ShapeGen.MoveInputFirst";
    public const string RemoveKey = "ShapeGen.RemoveInput";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = Ids(IssueIds.InvalidInput);

    internal override void Register(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic)
    {
        var document = context.Document;
        var span = diagnostic.Location.SourceSpan;
        if (FixKeys.ParseInts(Property(diagnostic, FixKeys.AddInput)) is { } shape)
        {
            string arguments = "(" + AttributeText.List(shape) + ")";
            Offer(context, diagnostic, $"Add [Input{arguments}] first", AddKey, async token =>
            {
                var type = await AttributeText.DeclaredTypeAsync(document, AttributeText.FindTypeByIdentifier(root, span), token).ConfigureAwait(false);
                var first = type == null ? null : AttributeText.LayerAttribute(type, 0, root.SyntaxTree, token);
                if (first == null) return document;
                var text = await document.GetTextAsync(token).ConfigureAwait(false);
                var change = AttributeText.InsertBefore(text, first, AttributeText.AttributeName(first, "Input") + arguments);
                return await AttributeText.ApplyAsync(document, new[] { change }, token).ConfigureAwait(false);
            });
            return;
        }

        var input = AttributeText.FindAttribute(root, span);
        if (input == null) return;
        if (Property(diagnostic, FixKeys.MoveInputFirst) == "true")
        {
            Offer(context, diagnostic, "Move [Input] to the top", MoveKey, async token =>
            {
                var type = await AttributeText.DeclaredTypeAsync(document, AttributeText.Owner(input), token).ConfigureAwait(false);
                var first = type == null ? null : AttributeText.LayerAttribute(type, 0, root.SyntaxTree, token);
                if (first == null) return document;
                var text = await document.GetTextAsync(token).ConfigureAwait(false);
                return await AttributeText.ApplyAsync(document, new[]
                {
                    AttributeText.InsertBefore(text, first, input.ToString()),
                    AttributeText.Remove(text, input),
                }, token).ConfigureAwait(false);
            });
        }
        else if (Property(diagnostic, FixKeys.RemoveInput) == "true")
        {
            Offer(context, diagnostic, "Remove this [Input]", RemoveKey, async token =>
            {
                var text = await document.GetTextAsync(token).ConfigureAwait(false);
                return await AttributeText.ApplyAsync(document, new[] { AttributeText.Remove(text, input) }, token).ConfigureAwait(false);
            });
        }
    }
}

/// <summary>SG0006: add <c>partial</c> to the type (or the containing type) that lacks it, or remove <c>static</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PartialCodeFixProvider)), Shared]
public sealed class PartialCodeFixProvider : ShapeGenCodeFixProvider
{
    public const string AddPartialKey = "ShapeGen.AddPartial";
    public const string RemoveStaticKey = "ShapeGen.RemoveStatic";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = Ids(IssueIds.NotPartial);

    internal override void Register(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic)
    {
        var declaration = AttributeText.FindTypeByIdentifier(root, diagnostic.Location.SourceSpan);
        if (declaration == null) return;
        var document = context.Document;
        if (Property(diagnostic, FixKeys.AddPartial) == "true" && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            // 'partial' goes right before the keyword: public sealed partial class Net.
            Offer(context, diagnostic, $"Make '{declaration.Identifier.ValueText}' partial", AddPartialKey,
                token => AttributeText.ApplyAsync(document, new[] { new TextChange(new TextSpan(declaration.Keyword.SpanStart, 0), "partial ") }, token));
        }
        else if (Property(diagnostic, FixKeys.RemoveStatic) == "true")
        {
            var modifier = declaration.Modifiers.FirstOrDefault(m => m.IsKind(SyntaxKind.StaticKeyword));
            if (modifier == default) return;
            Offer(context, diagnostic, "Remove 'static'", RemoveStaticKey, async token =>
            {
                var text = await document.GetTextAsync(token).ConfigureAwait(false);
                int end = modifier.Span.End;
                while (end < text.Length && text[end] == ' ') end++;
                return await AttributeText.ApplyAsync(document, new List<TextChange> { new(TextSpan.FromBounds(modifier.SpanStart, end), "") }, token).ConfigureAwait(false);
            });
        }
    }
}
