using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using ShapeGen.Generators.Parsing;

namespace ShapeGen.CodeFixes;

/// <summary>
/// Text edits on layer attributes. The fixes edit text rather than rebuild syntax so that what they write is exactly
/// what a person would (one attribute list per line, the user's indentation and line endings, the user's way of naming
/// ShapeGen's types), and so that the batch fixer merges several of them into one document without conflicts.
/// </summary>
internal static class AttributeText
{
    /// <summary>The attribute a diagnostic is reported on, or null.</summary>
    public static AttributeSyntax? FindAttribute(SyntaxNode root, TextSpan span)
        => root.FindNode(span, getInnermostNodeForTie: true).AncestorsAndSelf().OfType<AttributeSyntax>().FirstOrDefault();

    /// <summary>The type whose identifier a diagnostic is reported on (SG0005 without [Input], SG0006), or null.</summary>
    public static TypeDeclarationSyntax? FindTypeByIdentifier(SyntaxNode root, TextSpan span)
        => root.FindToken(span.Start).Parent?.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().FirstOrDefault();

    /// <summary>The type declaration an attribute is applied to.</summary>
    public static TypeDeclarationSyntax? Owner(AttributeSyntax attribute) => attribute.Parent?.Parent as TypeDeclarationSyntax;

    /// <summary>How the user names ShapeGen's types in this attribute: <c>""</c> for <c>Conv2D</c>, <c>"ShapeGen."</c> for <c>ShapeGen.Conv2D</c>.</summary>
    public static string Qualifier(AttributeSyntax attribute) => attribute.Name switch
    {
        QualifiedNameSyntax qualified => qualified.Left.ToString() + ".",
        AliasQualifiedNameSyntax alias => alias.Alias + "::",
        _ => "",
    };

    /// <summary>The name for another ShapeGen attribute written the way <paramref name="like"/> is (qualifier and 'Attribute' suffix).</summary>
    public static string AttributeName(AttributeSyntax like, string name)
    {
        string right = like.Name switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => "",
        };
        return Qualifier(like) + name + (right.EndsWith("Attribute", StringComparison.Ordinal) ? "Attribute" : "");
    }

    /// <summary>
    /// Inserts the attribute <paramref name="text"/> (e.g. <c>Flatten</c>) just before <paramref name="target"/>:
    /// on a line of its own when the target's list starts a line, else in the same list or just before it.
    /// </summary>
    public static TextChange InsertBefore(SourceText source, AttributeSyntax target, string text)
    {
        var list = (AttributeListSyntax)target.Parent!;
        if (list.Attributes.Count > 1 || list.Target != null)
            return new TextChange(new TextSpan(target.SpanStart, 0), text + ", ");

        var line = source.Lines.GetLineFromPosition(list.SpanStart);
        string before = source.ToString(TextSpan.FromBounds(line.Start, list.SpanStart));
        if (before.Trim().Length == 0)
            return new TextChange(new TextSpan(line.Start, 0), before + "[" + text + "]" + NewLine(source, line));
        return new TextChange(new TextSpan(list.SpanStart, 0), "[" + text + "] ");
    }

    /// <summary>Removes an attribute: its whole line when its list is alone on it, else just it (and a separator).</summary>
    public static TextChange Remove(SourceText source, AttributeSyntax attribute)
    {
        var list = (AttributeListSyntax)attribute.Parent!;
        if (list.Attributes.Count > 1)
        {
            int index = list.Attributes.IndexOf(attribute);
            return index < list.Attributes.Count - 1
                ? new TextChange(TextSpan.FromBounds(attribute.SpanStart, list.Attributes[index + 1].SpanStart), "")
                : new TextChange(TextSpan.FromBounds(list.Attributes[index - 1].Span.End, attribute.Span.End), "");
        }

        var first = source.Lines.GetLineFromPosition(list.SpanStart);
        var last = source.Lines.GetLineFromPosition(list.Span.End);
        bool aloneBefore = source.ToString(TextSpan.FromBounds(first.Start, list.SpanStart)).Trim().Length == 0;
        bool aloneAfter = source.ToString(TextSpan.FromBounds(list.Span.End, last.End)).Trim().Length == 0;
        if (aloneBefore && aloneAfter)
            return new TextChange(TextSpan.FromBounds(first.Start, last.EndIncludingLineBreak), "");

        int end = list.Span.End;
        while (end < source.Length && source[end] == ' ') end++;
        return new TextChange(TextSpan.FromBounds(list.SpanStart, end), "");
    }

    /// <summary>The attribute syntax of the network's layer at <paramref name="index"/>, if it is in <paramref name="tree"/>.</summary>
    public static AttributeSyntax? LayerAttribute(INamedTypeSymbol type, int index, SyntaxTree tree, CancellationToken token)
    {
        var layers = NetworkReader.Read(type, out _);
        if (index < 0 || index >= layers.Length) return null;
        var reference = layers[index].Attribute.ApplicationSyntaxReference;
        if (reference == null || reference.SyntaxTree != tree) return null;
        return reference.GetSyntax(token) as AttributeSyntax;
    }

    public static async Task<INamedTypeSymbol?> DeclaredTypeAsync(Document document, TypeDeclarationSyntax? declaration, CancellationToken token)
    {
        if (declaration == null) return null;
        var model = await document.GetSemanticModelAsync(token).ConfigureAwait(false);
        return model?.GetDeclaredSymbol(declaration, token) as INamedTypeSymbol;
    }

    public static async Task<Document> ApplyAsync(Document document, IEnumerable<TextChange> changes, CancellationToken token)
    {
        var text = await document.GetTextAsync(token).ConfigureAwait(false);
        return document.WithText(text.WithChanges(changes));
    }

    public static string List(IEnumerable<int> values) => string.Join(", ", values);

    private static string NewLine(SourceText source, TextLine line)
    {
        int breakLength = line.EndIncludingLineBreak - line.End;
        if (breakLength > 0) return source.ToString(TextSpan.FromBounds(line.End, line.EndIncludingLineBreak));
        return source.ToString().Contains("\r\n") ? "\r\n" : "\n";
    }
}
