using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ShapeGen.Generators.Common;
using ShapeGen.Generators.Diagnostics;
using ShapeGen.Generators.Engine;
using ShapeGen.Generators.Parsing;

namespace ShapeGen.Generators.Generation;

/// <summary>
/// Generates the members of every <c>[Input]</c>-attributed partial type. Shape problems are the analyzer's to
/// report: an invalid network simply gets no code. Unexpected failures become SG9999 rather than CS8785.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    public const string BuildSummaryHintName = "ShapeGen.BuildSummary.g.cs";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var networks = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.InputMetadataName,
                static (node, _) => node is TypeDeclarationSyntax,
                static (attributeContext, token) => Build(attributeContext, token))
            .Where(static model => model != null)
            .Select(static (model, _) => model!)
            .WithTrackingName(TrackingNames.Networks);

        // [Weights(Embed = true)] needs the file's bytes. AdditionalText instances change when their file does,
        // so a changed weight file re-runs this step; networks without Embed pass through untouched.
        var additionalFiles = context.AdditionalTextsProvider.Collect();
        var withWeightFiles = networks
            .Combine(additionalFiles)
            .Select(static (pair, token) => AttachEmbeddedFile(pair.Left, pair.Right, token))
            .WithTrackingName(TrackingNames.WeightFiles);

        context.RegisterSourceOutput(withWeightFiles, static (output, model) => Emit(output, model));

        var summaries = networks
            .Where(static model => model.CanEmit)
            .Select(static (model, _) => SummaryOf(model))
            .WithTrackingName(TrackingNames.Summaries)
            .Collect();

        context.RegisterSourceOutput(summaries, static (output, tables) =>
            output.AddSource(BuildSummaryHintName, BuildSummaryEmitter.Emit(tables)));
    }

    /// <summary>The build-summary table; a planner failure costs this network its activation-memory line, not every network its code (CS8785).</summary>
    private static string SummaryOf(NetworkModel model)
    {
        try
        {
            return NetworkSummary.Text(model.Analysis!);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return SummaryFormatter.Format(model.Analysis!);
        }
    }

    private static NetworkModel? Build(GeneratorAttributeSyntaxContext context, CancellationToken token)
    {
        // [Input] only applies to classes and structs; on an interface the compiler already says so (CS0592).
        if (context.TargetSymbol is not INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } type) return null;
        TypeModel typeModel;
        try
        {
            typeModel = TypeModel.From(type);
        }
        catch (Exception)
        {
            return null;
        }

        try
        {
            // A partial type with [Input] on several declarations is visited once per declaration: keep the first.
            if (!OwnsFirstInput(type, context.TargetNode, token)) return null;
            if (type.IsStatic || PartialCheck.FirstNonPartial(type) != null || PartialCheck.FirstFileLocal(type) != null) return null;
            if (GeneratedMembers.FindClash(type) != null) return null;

            var layers = NetworkReader.Read(type, out bool broken);
            if (broken) return null;
            token.ThrowIfCancellationRequested();
            var analysis = ShapeEngine.Analyze(type.Name, NetworkReader.Specs(layers));
            return new NetworkModel(typeModel, analysis, null) { WeightFile = WeightsAttributeReader.Read(type) };
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception exception)
        {
            return new NetworkModel(typeModel, null, exception.GetType().Name + ": " + exception.Message);
        }
    }

    private static NetworkModel AttachEmbeddedFile(NetworkModel model, ImmutableArray<AdditionalText> files, CancellationToken token)
    {
        if (model.WeightFile is not { Embed: true } weightFile || !model.CanEmit) return model;
        var path = WeightsAttributeReader.Resolve(weightFile.Path, files.Select(f => f.Path), out _);
        if (path == null) return model; // the analyzer reports SG0021
        try
        {
            // Roslyn gives additional files only as text; weight files are binary, so read the bytes the compiler was
            // pointed at. The file is an input of the build like any AdditionalFiles item.
#pragma warning disable RS1035 // file IO: see above
            var info = new System.IO.FileInfo(path);
            if (!info.Exists || info.Length > WeightsAttributeReader.MaxEmbeddedBytes) return model; // SG0021 / SG0023
            var bytes = System.IO.File.ReadAllBytes(path);
#pragma warning restore RS1035
            token.ThrowIfCancellationRequested();
            return model with { WeightFile = weightFile with { Bytes = bytes.ToEquatableArray() } };
        }
        catch (System.IO.IOException)
        {
            return model; // the analyzer reports SG0022
        }
        catch (System.UnauthorizedAccessException)
        {
            return model;
        }
    }

    private static bool OwnsFirstInput(INamedTypeSymbol type, SyntaxNode target, CancellationToken token)
    {
        var input = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == AttributeNames.InputMetadataName);
        // AttributeSyntax -> AttributeListSyntax -> the type declaration.
        var owner = input?.ApplicationSyntaxReference?.GetSyntax(token).Parent?.Parent;
        return owner == null || owner == target;
    }

    private static void Emit(SourceProductionContext output, NetworkModel model)
    {
        if (model.Failure != null)
        {
            output.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.GeneratorFailure, Location.None,
                $"ShapeGen could not generate '{model.Type.Name}': {model.Failure}. Please report this with the declaration."));
            return;
        }
        if (!model.CanEmit) return;

        string source;
        try
        {
            source = NetworkEmitter.Emit(model.Type, model.Analysis!, model.WeightFile);
        }
        catch (Exception exception)
        {
            output.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.GeneratorFailure, Location.None,
                $"ShapeGen could not generate '{model.Type.Name}': {exception.GetType().Name}: {exception.Message}. Please report this with the declaration."));
            return;
        }
        output.AddSource(model.Type.HintName + ".g.cs", source);
    }
}

/// <summary>Step names, so tests can assert each step is cached.</summary>
internal static class TrackingNames
{
    public const string Networks = nameof(Networks);
    public const string Summaries = nameof(Summaries);
    public const string WeightFiles = nameof(WeightFiles);
}
