using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using ShapeGen.Generators.Engine;

namespace ShapeGen.Generators.Parsing;

/// <summary>A ShapeGen attribute found on a type: the spec the engine sees and the Roslyn data to locate it.</summary>
internal readonly record struct DeclaredLayer(LayerSpec Spec, AttributeData Attribute);

/// <summary>Reads a type's ShapeGen attributes, in declaration order. Shared by the generator, analyzer and code fixes.</summary>
internal static class NetworkReader
{
    /// <summary>
    /// The ShapeGen attributes of <paramref name="type"/>. <paramref name="hasBrokenAttribute"/> is true when one of
    /// them does not bind (half-typed code): the compiler already reports that, and nothing should be generated.
    /// </summary>
    public static ImmutableArray<DeclaredLayer> Read(INamedTypeSymbol type, out bool hasBrokenAttribute)
    {
        hasBrokenAttribute = false;
        var layers = ImmutableArray.CreateBuilder<DeclaredLayer>();
        foreach (var attribute in type.GetAttributes())
        {
            var kind = KindOf(attribute.AttributeClass);
            if (kind == null) continue;
            if (attribute.AttributeConstructor == null || HasErrors(attribute))
            {
                hasBrokenAttribute = true;
                continue;
            }
            layers.Add(new DeclaredLayer(LayerSpecReader.Read(kind.Value, attribute), attribute));
        }
        return layers.ToImmutable();
    }

    public static LayerKind? KindOf(INamedTypeSymbol? attributeClass)
    {
        if (attributeClass == null || attributeClass.TypeKind == TypeKind.Error) return null;
        var ns = attributeClass.ContainingNamespace;
        if (ns == null || ns.Name != AttributeNames.Namespace || ns.ContainingNamespace?.IsGlobalNamespace != true) return null;
        return AttributeNames.KindOf(attributeClass.Name);
    }

    public static IReadOnlyList<LayerSpec> Specs(ImmutableArray<DeclaredLayer> layers)
    {
        var specs = new LayerSpec[layers.Length];
        for (int i = 0; i < specs.Length; i++) specs[i] = layers[i].Spec;
        return specs;
    }

    private static bool HasErrors(AttributeData attribute)
    {
        foreach (var argument in attribute.ConstructorArguments)
        {
            if (argument.Kind == TypedConstantKind.Error) return true;
        }
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Value.Kind == TypedConstantKind.Error) return true;
        }
        return false;
    }
}
