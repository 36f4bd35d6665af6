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
        var layers = NetworkReader.Read(type, out bool broken);
        // A half-typed attribute already has a compiler error; shape messages about it would only be noise.
        if (layers.IsEmpty || broken) return;

        if (PartialCheck.FirstNonPartial(type) is { } notPartial)
        {
            string which = SymbolEqualityComparer.Default.Equals(notPartial, type)
                ? $"'{type.Name}' carries ShapeGen layer attributes but is not partial, so ShapeGen cannot add its members. Declare it 'partial {KindWord(type)} {type.Name}'."
                : $"'{type.Name}' is nested in '{notPartial.Name}', which is not partial, so ShapeGen cannot add members to it. Declare '{notPartial.Name}' partial too.";
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NotPartial, IdentifierLocation(notPartial, context), which));
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
                $"'{type.Name}' is static; a network needs instances to hold its weights. Remove 'static'."));
        }
        else if (GeneratedMembers.FindClash(type) is { } clash)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MemberClash, clash.Location ?? IdentifierLocation(type, context), clash.Message));
        }

        var analysis = ShapeEngine.Analyze(type.Name, NetworkReader.Specs(layers));
        foreach (var issue in analysis.Issues)
        {
            var location = issue.AttributeIndex >= 0
                ? layers[issue.AttributeIndex].Attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation()
                : null;
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ForId(issue.Id),
                location ?? IdentifierLocation(type, context), issue.Message));
        }

        WeightFileCheck.Run(context, type, layers, analysis);
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
