using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace ShapeGen.Generators.Parsing;

/// <summary>The members the generator adds to a network type, and the declarations that would clash with them.</summary>
internal static class GeneratedMembers
{
    /// <summary>Every member name the emitters write (keep in step with MetadataEmitter and ForwardEmitter).</summary>
    public static readonly ImmutableArray<string> Names = ImmutableArray.Create(
        "InputSize", "OutputSize", "ParameterCount", "TrainableParameterCount", "MultiplyAddCount",
        "InputShape", "OutputShape", "Layers", "Summary");

    /// <summary>
    /// Why ShapeGen cannot add its members to <paramref name="type"/> (a type named like a generated member, or a
    /// member the user already declared with such a name), or null. Generated members themselves (the analyzer
    /// sees them) carry <c>[GeneratedCode("ShapeGen", ...)]</c> and do not count.
    /// </summary>
    public static (string Message, Location? Location)? FindClash(INamedTypeSymbol type)
    {
        foreach (var name in Names)
        {
            if (type.Name == name)
            {
                return ($"'{type.Name}' is named like the member '{name}' that ShapeGen generates, and C# does not allow a member " +
                        "with its type's name. Rename the type.", null);
            }
            foreach (var member in type.GetMembers(name))
            {
                if (IsGenerated(member)) continue;
                return ($"'{type.Name}' already declares '{name}', a member ShapeGen generates for every network. Rename or remove it.",
                        member.Locations.Length > 0 && member.Locations[0].IsInSource ? member.Locations[0] : null);
            }
        }
        return null;
    }

    private static bool IsGenerated(ISymbol member)
    {
        foreach (var attribute in member.GetAttributes())
        {
            if (attribute.AttributeClass?.Name == "GeneratedCodeAttribute"
                && attribute.ConstructorArguments.Length > 0
                && attribute.ConstructorArguments[0].Value as string == "ShapeGen")
                return true;
        }
        return false;
    }
}
