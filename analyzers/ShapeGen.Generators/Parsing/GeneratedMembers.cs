using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace ShapeGen.Generators.Parsing;

/// <summary>The members the generator adds to a network type, and the declarations that would clash with them.</summary>
internal static class GeneratedMembers
{
    /// <summary>Roslyn puts generated files under <c>{assembly}/{generator type}/</c>.</summary>
    private static readonly string GeneratorFolder = typeof(Generation.NetworkGenerator).FullName;

    /// <summary>
    /// Member names the emitters write that a user member of the same name would clash with (keep in step with
    /// MetadataEmitter and ForwardEmitter; the per-buffer offset constants are left out).
    /// </summary>
    public static readonly ImmutableArray<string> Names = ImmutableArray.Create(
        "InputSize", "OutputSize", "ParameterCount", "TrainableParameterCount", "MultiplyAddCount",
        "InputShape", "OutputShape", "Layers", "Summary", "Weights", "EmbeddedWeightFile",
        "PackedWeightCount", "WorkspaceSize", "_weights", "_weightsOffset", "t_workspace", "t_workspaceOffset", "s_kernelLayers", "s_kernelDescriptions", "s_runsIn", "s_runsInSplit");

    /// <summary>Generated methods: a user overload with other parameters is fine, but no type can be named like them.</summary>
    public static readonly ImmutableArray<string> MethodNames = ImmutableArray.Create("Forward", "Run", "Workspace", "Load", "LoadPyTorch", "Profile");

    /// <summary>
    /// Why ShapeGen cannot add its members to <paramref name="type"/> (a type named like a generated member, or a
    /// member the user already declared with such a name), or null. Generated members themselves (the analyzer
    /// sees them) carry <c>[GeneratedCode("ShapeGen", ...)]</c> and do not count.
    /// </summary>
    public static (string Message, Location? Location)? FindClash(INamedTypeSymbol type)
    {
        foreach (var name in MethodNames)
        {
            if (type.Name == name)
            {
                return ($"'{type.Name}' is named like the method '{name}' that ShapeGen generates, and C# does not allow a member " +
                        "with its type's name. Rename the type.", null);
            }
        }
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            // C# requires every other constructor of a type with a primary constructor to call it: the generated one cannot.
            if (reference.GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax { ParameterList: { } parameters })
            {
                return ($"'{type.Name}' has a primary constructor {parameters}, which the constructor ShapeGen generates (taking the weights) " +
                        "would have to call. Remove the parameter list and declare the members yourself.", parameters.GetLocation());
            }
        }
        foreach (var constructor in type.InstanceConstructors)
        {
            // The generated constructor takes the weights: N(ReadOnlySpan<float> parameters).
            if (constructor.IsImplicitlyDeclared || IsGenerated(constructor) || constructor.Parameters.Length != 1) continue;
            if (constructor.Parameters[0].Type is INamedTypeSymbol { Name: "ReadOnlySpan", TypeArguments.Length: 1 } span
                && span.TypeArguments[0].SpecialType == SpecialType.System_Single)
            {
                return ($"'{type.Name}' already declares a constructor taking ReadOnlySpan<float>, the one ShapeGen generates to load the weights. Remove it or change its parameters.",
                        constructor.Locations.Length > 0 && constructor.Locations[0].IsInSource ? constructor.Locations[0] : null);
            }
        }
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

    /// <summary>
    /// Whether ShapeGen wrote <paramref name="member"/>: it lives in one of the generator's files (the analyzer sees
    /// them; the generator itself never does), or carries <c>[GeneratedCode("ShapeGen", ...)]</c>.
    /// </summary>
    private static bool IsGenerated(ISymbol member)
    {
        foreach (var reference in member.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree.FilePath.IndexOf(GeneratorFolder, System.StringComparison.Ordinal) >= 0) return true;
        }
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
