using Microsoft.CodeAnalysis;
using ShapeGen.Generators.Common;

namespace ShapeGen.Generators.Generation;

/// <summary>How to re-declare the user's partial type (and its containers), as plain equatable text.</summary>
internal sealed record TypeModel(
    string? Namespace,
    EquatableArray<string> ContainingDeclarations,
    string Declaration,
    string Name,
    string FullName,
    string HintName)
{
    public static TypeModel From(INamedTypeSymbol type)
    {
        var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
        var containers = new System.Collections.Generic.List<string>();
        for (var outer = type.ContainingType; outer != null; outer = outer.ContainingType)
        {
            containers.Insert(0, DeclarationOf(outer));
        }
        string full = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        string hint = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)
            .Replace("global::", "").Replace('<', '[').Replace('>', ']').Replace(", ", ",");
        return new TypeModel(ns, containers.ToEquatableArray(), DeclarationOf(type), type.Name, full, hint);
    }

    /// <summary><c>partial class Name&lt;T&gt;</c>, <c>partial record struct Name</c>, ...</summary>
    private static string DeclarationOf(INamedTypeSymbol type)
    {
        string keyword = type.IsRecord
            ? (type.IsValueType ? "record struct" : "record")
            : type.TypeKind switch
            {
                TypeKind.Struct => "struct",
                TypeKind.Interface => "interface",
                _ => "class",
            };
        string typeParameters = type.TypeParameters.Length == 0 ? "" : "<" + string.Join(", ", System.Linq.Enumerable.Select(type.TypeParameters, p => p.Name)) + ">";
        string modifiers = type.IsStatic ? "static partial" : "partial";
        if (type.IsValueType && type.IsReadOnly) modifiers = "readonly " + modifiers;
        if (type.IsRefLikeType) modifiers = "ref " + modifiers;
        return $"{modifiers} {keyword} {type.Name}{typeParameters}";
    }
}
