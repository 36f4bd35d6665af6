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
    /// <summary>The type's name as C# source (<c>@class</c>), e.g. for the generated constructor.</summary>
    public string Identifier => Escape(Name);

    /// <summary>An abstract network type cannot be created by generated factories (Load, LoadPyTorch).</summary>
    public bool IsAbstract { get; init; }

    /// <summary>A <c>readonly</c> struct: its fields must be readonly, so settable members become <c>init</c>.</summary>
    public bool IsReadOnly { get; init; }

    public static TypeModel From(INamedTypeSymbol type)
    {
        var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
        var containers = new System.Collections.Generic.List<string>();
        for (var outer = type.ContainingType; outer != null; outer = outer.ContainingType)
        {
            containers.Insert(0, DeclarationOf(outer));
        }
        string full = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        return new TypeModel(ns, containers.ToEquatableArray(), DeclarationOf(type), type.Name, full, HintNameOf(ns, type))
        {
            IsAbstract = type.IsAbstract,
            IsReadOnly = type.IsValueType && type.IsReadOnly,
        };
    }

    /// <summary>
    /// <c>Ns.Outer+Inner[T]</c>: unescaped names (no '@', which hint names reject), '+' between nested types so that
    /// type <c>A.B</c> nested in class <c>A</c> and type <c>B</c> in namespace <c>A</c> cannot share a file name.
    /// </summary>
    private static string HintNameOf(string? ns, INamedTypeSymbol type)
    {
        var names = new System.Collections.Generic.List<string>();
        for (var current = type; current != null; current = current.ContainingType)
        {
            string parameters = current.TypeParameters.Length == 0 ? "" : "[" + string.Join(",", System.Linq.Enumerable.Select(current.TypeParameters, p => p.Name)) + "]";
            names.Insert(0, current.Name + parameters);
        }
        // The namespace is display text: keywords in it come escaped (@event).
        return (ns == null ? "" : ns.Replace("@", "") + ".") + string.Join("+", names);
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
        string typeParameters = type.TypeParameters.Length == 0 ? "" : "<" + string.Join(", ", System.Linq.Enumerable.Select(type.TypeParameters, p => Escape(p.Name))) + ">";
        string modifiers = type.IsStatic ? "static partial" : "partial";
        if (type.IsValueType && type.IsReadOnly) modifiers = "readonly " + modifiers;
        if (type.IsRefLikeType) modifiers = "ref " + modifiers;
        return $"{modifiers} {keyword} {Escape(type.Name)}{typeParameters}";
    }

    /// <summary>A name as C# source: <c>@class</c> for a type the user named <c>@class</c>.</summary>
    private static string Escape(string name)
        => Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(name) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? "@" + name : name;
}
