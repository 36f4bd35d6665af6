using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using ShapeGen.Generators.Diagnostics;
using ShapeGen.Generators.Engine;
using ShapeGen.Generators.Parsing;

namespace ShapeGen.Generators.Analysis;

/// <summary>
/// Reports the shape engine's findings on the offending attribute, so the IDE squiggles it. Diagnostics come from
/// an analyzer rather than the generator: analyzers run in the IDE on every edit and honour .editorconfig severities.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ShapeAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.ShapeMismatch,
        DiagnosticDescriptors.DroppedRowsOrColumns,
        DiagnosticDescriptors.NonPositiveSize,
        DiagnosticDescriptors.InvalidArgument,
        DiagnosticDescriptors.InvalidInput,
        DiagnosticDescriptors.NotPartial,
        DiagnosticDescriptors.WrongRank,
        DiagnosticDescriptors.UnevenSamePadding,
        DiagnosticDescriptors.DenseOnFeatureMap,
        DiagnosticDescriptors.NetworkTooLarge,
        DiagnosticDescriptors.UnknownLayerName,
        DiagnosticDescriptors.ForwardReference,
        DiagnosticDescriptors.UnusedLayer,
        DiagnosticDescriptors.WeightFileMismatch,
        DiagnosticDescriptors.WeightFileNotListed,
        DiagnosticDescriptors.WeightFileUnreadable,
        DiagnosticDescriptors.WeightFileTooLargeToEmbed,
        DiagnosticDescriptors.MemberClash);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterSymbolAction(AnalyzeType, SymbolKind.NamedType);
    }

    private static void AnalyzeType(SymbolAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        // On an enum, interface or delegate the compiler already rejects the attributes (CS0592).
        if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct)) return;
        ReportNonPartialContainer(type, context);
        var layers = NetworkReader.Read(type, out bool broken);
        // A half-typed attribute already has a compiler error; shape messages about it would only be noise.
        if (layers.IsEmpty || broken) return;

        var notPartial = PartialCheck.FirstNonPartial(type);
        if (notPartial != null && SymbolEqualityComparer.Default.Equals(notPartial, type))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NotPartial, IdentifierLocation(type, context), Fix(FixKeys.AddPartial),
                $"'{type.Name}' carries ShapeGen layer attributes but is not partial, so ShapeGen cannot add its members. Declare it 'partial {KindWord(type)} {type.Name}'."));
        }
        else if (notPartial != null)
        {
            // A non-partial container is reported by ReportNonPartialContainer, from the container's own symbol.
        }
        else if (PartialCheck.FirstFileLocal(type) is { } fileLocal)
        {
            string which = SymbolEqualityComparer.Default.Equals(fileLocal, type)
                ? $"'{type.Name}' is file-local ('file'), so its parts must all be in one file and ShapeGen cannot add its members from another. Remove 'file'."
                : $"'{type.Name}' is nested in the file-local '{fileLocal.Name}', so ShapeGen cannot add members to it from another file. Remove 'file' from '{fileLocal.Name}'.";
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NotPartial, IdentifierLocation(fileLocal, context), which));
        }
        else if (type.IsStatic)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NotPartial, IdentifierLocation(type, context),
                Fix(FixKeys.RemoveStatic), $"'{type.Name}' is static; a network needs instances to hold its weights. Remove 'static'."));
        }
        else if (GeneratedMembers.FindClash(type) is { } clash)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MemberClash, clash.Location ?? IdentifierLocation(type, context), clash.Message));
        }

        var analysis = ShapeEngine.Analyze(type.Name, NetworkReader.Specs(layers), Limits(type, context));
        foreach (var issue in analysis.Issues)
        {
            var location = issue.AttributeIndex >= 0
                ? layers[issue.AttributeIndex].Attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation()
                : null;
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ForId(issue.Id),
                location ?? IdentifierLocation(type, context), Properties(issue), issue.Message));
        }

        WeightFileCheck.Run(context, type, layers, analysis);
    }

    /// <summary>
    /// SG0006 for a type that is not partial but contains a network (at any depth, through partial types) that needs it to
    /// be. Reported while analysing the container itself, on its identifier: a diagnostic a symbol reports inside its own
    /// declaration is "local", which the IDE shows as you type; reported from the nested network it would only appear in a
    /// full-solution analysis or the build.
    /// </summary>
    private static void ReportNonPartialContainer(INamedTypeSymbol container, SymbolAnalysisContext context)
    {
        if (container.GetTypeMembers().IsEmpty || PartialCheck.IsPartial(container)) return;
        var pending = new Stack<INamedTypeSymbol>(container.GetTypeMembers());
        while (pending.Count > 0)
        {
            var nested = pending.Pop();
            context.CancellationToken.ThrowIfCancellationRequested();
            foreach (var deeper in nested.GetTypeMembers()) pending.Push(deeper);
            var layers = NetworkReader.Read(nested, out bool broken);
            if (layers.IsEmpty || broken) continue;
            if (!SymbolEqualityComparer.Default.Equals(PartialCheck.FirstNonPartial(nested), container)) continue;
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NotPartial, IdentifierLocation(container, context), Fix(FixKeys.AddPartial),
                $"'{nested.Name}' is nested in '{container.Name}', which is not partial, so ShapeGen cannot add members to it. Declare '{container.Name}' partial too."));
        }
    }

    /// <summary>The engine's facts for the code fixes, as diagnostic properties.</summary>
    private static ImmutableDictionary<string, string?>? Properties(ShapeIssue issue)
    {
        if (issue.Properties.Count == 0) return null;
        var builder = ImmutableDictionary.CreateBuilder<string, string?>();
        foreach (var property in issue.Properties) builder[property.Key] = property.Value;
        return builder.ToImmutable();
    }

    private static ImmutableDictionary<string, string?> Fix(string key) => ImmutableDictionary<string, string?>.Empty.Add(key, "true");

    /// <summary>SG0010's limits from the analyzer config (.editorconfig / .globalconfig) of the declaration's file.</summary>
    private static ResourceLimits Limits(INamedTypeSymbol type, SymbolAnalysisContext context)
    {
        var tree = type.DeclaringSyntaxReferences.Length > 0 ? type.DeclaringSyntaxReferences[0].SyntaxTree : null;
        var options = tree != null
            ? context.Options.AnalyzerConfigOptionsProvider.GetOptions(tree)
            : context.Options.AnalyzerConfigOptionsProvider.GlobalOptions;
        options.TryGetValue(ResourceLimits.MaxParametersKey, out string? maxParameters);
        options.TryGetValue(ResourceLimits.MaxActivationBytesKey, out string? maxActivationBytes);
        return ResourceLimits.From(maxParameters, maxActivationBytes);
    }

    private static string KindWord(INamedTypeSymbol type) => type.IsRecord ? "record" : type.IsValueType ? "struct" : "class";

    private static Location IdentifierLocation(INamedTypeSymbol type, SymbolAnalysisContext context)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(context.CancellationToken) is TypeDeclarationSyntax declaration)
                return declaration.Identifier.GetLocation();
        }
        return type.Locations.Length > 0 ? type.Locations[0] : Location.None;
    }
}
