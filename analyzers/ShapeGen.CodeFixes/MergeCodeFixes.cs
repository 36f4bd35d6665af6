using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using ShapeGen.Generators.Engine;

namespace ShapeGen.CodeFixes;

/// <summary>
/// SG0001 on <c>[Add]</c> / <c>[Concatenate]</c>: insert the layer the engine proposes (a 1×1 projection of the shortcut,
/// or the U-Net crop of the larger input) just before the merge, with an explicit <c>From</c> and an unused <c>Name</c>,
/// and merge that layer instead of the input it adapts.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MergeAdapterCodeFixProvider)), Shared]
public sealed class MergeAdapterCodeFixProvider : ShapeGenCodeFixProvider
{
    /// <summary>Add: project the shortcut with a (strided) 1×1 Conv2D.</summary>
    public const string ProjectKey = "ShapeGen.ProjectShortcut";
    /// <summary>Concatenate: crop the larger input with Cropping2D.</summary>
    public const string CropKey = "ShapeGen.CropLargerInput";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = Ids(IssueIds.ShapeMismatch);

    internal override void Register(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic)
    {
        string? insert = Property(diagnostic, FixKeys.MergeInsert);
        string? input = Property(diagnostic, FixKeys.MergeInput);
        string? newName = Property(diagnostic, FixKeys.MergeNewName);
        if (insert == null || input == null || newName == null) return;
        int open = insert.IndexOf('(');
        if (open <= 0) return;
        string layer = insert.Substring(0, open);
        var attribute = AttributeText.FindAttribute(root, diagnostic.Location.SourceSpan);
        if (attribute?.ArgumentList == null) return;
        var literals = InputLiterals(attribute, input);
        // An input written as a constant or an expression is left alone: there is no literal to replace.
        if (literals.Count == 0) return;

        bool crop = layer == "Cropping2D";
        // The title shows the layer without its From and Name: "Project 'b' with Conv2D(64, 1)".
        int from = insert.IndexOf(", From = ", System.StringComparison.Ordinal);
        string shown = from > 0 ? insert.Substring(0, from) + ")" : insert;
        string title = crop ? $"Crop '{input}' with {shown}" : $"Project '{input}' with {shown}";
        Offer(context, diagnostic, title, crop ? CropKey : ProjectKey, async token =>
        {
            var text = await context.Document.GetTextAsync(token).ConfigureAwait(false);
            // Written the user's way: ShapeGen.Conv2D(..., ShapeGen.Padding.Same) when the merge is ShapeGen.Add.
            string qualifier = AttributeText.Qualifier(attribute);
            string arguments = insert.Substring(open);
            if (qualifier.Length > 0) arguments = arguments.Replace("Padding.", qualifier + "Padding.");
            var changes = new List<TextChange> { AttributeText.InsertBefore(text, attribute, AttributeText.AttributeName(attribute, layer) + arguments) };
            string replacement = SymbolDisplay.FormatLiteral(newName, quote: true);
            changes.AddRange(literals.Select(literal => new TextChange(literal.Span, replacement)));
            return await AttributeText.ApplyAsync(context.Document, changes, token).ConfigureAwait(false);
        });
    }

    /// <summary>The string literals naming <paramref name="input"/> among the merge's inputs (its positional arguments, arrays included).</summary>
    private static List<LiteralExpressionSyntax> InputLiterals(AttributeSyntax attribute, string input)
        => attribute.ArgumentList!.Arguments
            .Where(a => a.NameEquals == null)
            .SelectMany(a => a.Expression.DescendantNodesAndSelf())
            .OfType<LiteralExpressionSyntax>()
            .Where(l => l.IsKind(SyntaxKind.StringLiteralExpression) && l.Token.ValueText == input)
            .ToList();
}
