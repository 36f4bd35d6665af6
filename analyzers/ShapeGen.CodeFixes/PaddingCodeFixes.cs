using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using ShapeGen.Generators.Engine;

namespace ShapeGen.CodeFixes;

/// <summary>SG0002, SG0003: "Use Padding.Same" on the convolution or pooling layer.</summary>
[ExportCodeFixProvider(Microsoft.CodeAnalysis.LanguageNames.CSharp, Name = nameof(UsePaddingSameCodeFixProvider)), Shared]
public sealed class UsePaddingSameCodeFixProvider : ShapeGenCodeFixProvider
{
    public const string EquivalenceKey = "ShapeGen.UsePaddingSame";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = Ids(IssueIds.DroppedRowsOrColumns, IssueIds.NonPositiveSize);

    internal override void Register(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic)
    {
        if (Property(diagnostic, FixKeys.PaddingSame) != "true") return;
        var attribute = AttributeText.FindAttribute(root, diagnostic.Location.SourceSpan);
        if (attribute == null) return;
        Offer(context, diagnostic, "Use Padding.Same", EquivalenceKey, token => FixAsync(context.Document, attribute, token));
    }

    private static async Task<Document> FixAsync(Document document, AttributeSyntax attribute, CancellationToken token)
    {
        var model = await document.GetSemanticModelAsync(token).ConfigureAwait(false);
        var constructor = model?.GetSymbolInfo(attribute, token).Symbol as IMethodSymbol;
        int position = constructor?.Parameters.IndexOf(constructor.Parameters.FirstOrDefault(p => p.Name == "padding")!) ?? -1;
        if (position < 0) return document;

        string same = AttributeText.Qualifier(attribute) + "Padding.Same";
        var arguments = attribute.ArgumentList?.Arguments ?? default;
        var positional = arguments.Where(a => a.NameEquals == null && a.NameColon == null).ToList();
        var existing = arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == "padding")
                       ?? (positional.Count > position && positional.All(a => a.NameColon == null) ? positional[position] : null);

        TextChange change;
        if (existing != null)
        {
            // Padding.Valid -> Padding.Same, keeping however the user qualified it.
            change = existing.Expression is MemberAccessExpressionSyntax member
                ? new TextChange(member.Name.Span, "Same")
                : new TextChange(existing.Expression.Span, same);
        }
        else if (attribute.ArgumentList == null || arguments.Count == 0)
        {
            string text = position == 0 ? same : "padding: " + same;
            change = attribute.ArgumentList == null
                ? new TextChange(new TextSpan(attribute.Name.Span.End, 0), "(" + text + ")")
                : new TextChange(attribute.ArgumentList.Span, "(" + text + ")");
        }
        else if (positional.Count == position)
        {
            change = new TextChange(new TextSpan(positional[positional.Count - 1].Span.End, 0), ", " + same);
        }
        else if (positional.Count > 0)
        {
            change = new TextChange(new TextSpan(positional[positional.Count - 1].Span.End, 0), ", padding: " + same);
        }
        else
        {
            change = new TextChange(new TextSpan(arguments[0].SpanStart, 0), "padding: " + same + ", ");
        }
        return await AttributeText.ApplyAsync(document, new[] { change }, token).ConfigureAwait(false);
    }
}

/// <summary>SG0002: insert the <c>ZeroPadding2D(top, bottom, left, right)</c> that makes the size a whole number of steps.</summary>
[ExportCodeFixProvider(Microsoft.CodeAnalysis.LanguageNames.CSharp, Name = nameof(InsertZeroPaddingCodeFixProvider)), Shared]
public sealed class InsertZeroPaddingCodeFixProvider : ShapeGenCodeFixProvider
{
    public const string EquivalenceKey = "ShapeGen.InsertZeroPadding";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = Ids(IssueIds.DroppedRowsOrColumns);

    internal override void Register(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic)
    {
        var sides = FixKeys.ParseInts(Property(diagnostic, FixKeys.ZeroPadding));
        if (sides is not { Length: 4 }) return;
        var attribute = AttributeText.FindAttribute(root, diagnostic.Location.SourceSpan);
        if (attribute == null) return;
        string layer = $"ZeroPadding2D({AttributeText.List(sides)})";
        Offer(context, diagnostic, $"Insert [{layer}] before it", EquivalenceKey, async token =>
        {
            var text = await context.Document.GetTextAsync(token).ConfigureAwait(false);
            string written = AttributeText.AttributeName(attribute, "ZeroPadding2D") + $"({AttributeText.List(sides)})";
            return await AttributeText.ApplyAsync(context.Document, new[] { AttributeText.InsertBefore(text, attribute, written) }, token).ConfigureAwait(false);
        });
    }
}

/// <summary>SG0002: "Change the stride to N", for the nearest strides below and above with which every cell is read.</summary>
[ExportCodeFixProvider(Microsoft.CodeAnalysis.LanguageNames.CSharp, Name = nameof(ChangeStrideCodeFixProvider)), Shared]
public sealed class ChangeStrideCodeFixProvider : ShapeGenCodeFixProvider
{
    /// <summary>The nearest smaller stride.</summary>
    public const string SmallerKey = "ShapeGen.ChangeStride.Smaller";
    /// <summary>The nearest larger stride.</summary>
    public const string LargerKey = "ShapeGen.ChangeStride.Larger";

    private static readonly string[] StrideProperties = { "Stride", "StrideHeight", "StrideWidth" };

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = Ids(IssueIds.DroppedRowsOrColumns);

    internal override void Register(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic)
    {
        var attribute = AttributeText.FindAttribute(root, diagnostic.Location.SourceSpan);
        if (attribute == null) return;
        foreach (var (key, equivalenceKey) in new[] { (FixKeys.SmallerStride, SmallerKey), (FixKeys.LargerStride, LargerKey) })
        {
            if (FixKeys.ParseInts(Property(diagnostic, key)) is not { Length: 1 } value) continue;
            int stride = value[0];
            Offer(context, diagnostic, $"Change the stride to {stride}", equivalenceKey,
                token => AttributeText.ApplyAsync(context.Document, Change(attribute, stride), token));
        }
    }

    /// <summary><c>Stride = N</c> in place of the existing stride arguments (StrideHeight/StrideWidth go: one stride now fits both axes).</summary>
    private static IEnumerable<TextChange> Change(AttributeSyntax attribute, int stride)
    {
        string assignment = "Stride = " + stride.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var list = attribute.ArgumentList;
        if (list == null || list.Arguments.Count == 0)
        {
            var span = list?.Span ?? new TextSpan(attribute.Name.Span.End, 0);
            return new[] { new TextChange(span, "(" + assignment + ")") };
        }

        var strides = list.Arguments.Where(a => a.NameEquals != null && StrideProperties.Contains(a.NameEquals.Name.Identifier.ValueText)).ToList();
        if (strides.Count == 0)
            return new[] { new TextChange(new TextSpan(list.Arguments[list.Arguments.Count - 1].Span.End, 0), ", " + assignment) };
        if (strides.Count == 1)
            return new[] { new TextChange(strides[0].Span, assignment) };

        // Several stride arguments: rewrite the list, the first of them becoming the new Stride.
        var kept = new List<string>();
        foreach (var argument in list.Arguments)
        {
            if (argument == strides[0]) kept.Add(assignment);
            else if (!strides.Contains(argument)) kept.Add(argument.ToString());
        }
        return new[] { new TextChange(TextSpan.FromBounds(list.OpenParenToken.Span.End, list.CloseParenToken.SpanStart), string.Join(", ", kept)) };
    }
}
