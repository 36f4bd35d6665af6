using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ShapeGen.Generators.Parsing;

/// <summary>Whether the generator can add members to a type: it and every containing type must be partial.</summary>
internal static class PartialCheck
{
    /// <summary>The first type in the chain (the type itself, then its containers) that is not partial, or null.</summary>
    public static INamedTypeSymbol? FirstNonPartial(INamedTypeSymbol type)
    {
        for (var current = type; current != null; current = current.ContainingType)
        {
            if (!IsPartial(current)) return current;
        }
        return null;
    }

    /// <summary>
    /// The first type in the chain declared <c>file</c>, or null. A file-local type's parts must all be in one file,
    /// so a generated <c>partial class N</c> elsewhere would silently declare a second, unrelated type.
    /// </summary>
    public static INamedTypeSymbol? FirstFileLocal(INamedTypeSymbol type)
    {
        for (var current = type; current != null; current = current.ContainingType)
        {
            if (current.IsFileLocal) return current;
        }
        return null;
    }

    public static bool IsPartial(INamedTypeSymbol type)
    {
        if (type.DeclaringSyntaxReferences.Length == 0) return false;
        return type.DeclaringSyntaxReferences.All(r =>
            r.GetSyntax() is TypeDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.PartialKeyword));
    }
}
