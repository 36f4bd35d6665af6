using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ShapeGen.Generators.Analysis;
using ShapeGen.Generators.Generation;

namespace ShapeGen.CodeFixes.Tests.Infrastructure;

/// <summary>Compilations built by hand, to run the analyzer and generator directly (messages, hover text, timing).</summary>
internal static class Analysis
{
    public static async Task<CSharpCompilation> CompileAsync(params string[] sources)
    {
        var references = await TestReferences.PlatformAsync();
        var trees = sources.Select((source, i) => CSharpSyntaxTree.ParseText(FixTest<UsePaddingSameCodeFixProvider>.Header + source,
            TestReferences.ParseOptions, $"/0/Test{i}.cs"));
        return CSharpCompilation.Create("Tests", trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable)
                .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic> { ["CS1591"] = ReportDiagnostic.Suppress }));
    }

    /// <summary>The ShapeAnalyzer's diagnostics on <paramref name="source"/>, with analyzer-config <paramref name="options"/> (key = value).</summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(string source, IReadOnlyDictionary<string, string>? options = null)
    {
        var compilation = await CompileAsync(source);
        var analyzerOptions = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new OptionsProvider(options ?? new Dictionary<string, string>()));
        var diagnostics = await compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new ShapeAnalyzer()), analyzerOptions)
            .GetAnalyzerDiagnosticsAsync();
        return diagnostics.Sort((a, b) => a.Location.SourceSpan.Start.CompareTo(b.Location.SourceSpan.Start));
    }

    /// <summary>
    /// The ShapeAnalyzer's diagnostics on <paramref name="source"/> in a workspace project with analyzer-config files
    /// (<c>.editorconfig</c>, <c>.globalconfig</c>), which the workspace turns into the compilation's severity options and
    /// the analyzer's options exactly as the IDE does.
    /// </summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeWithConfigAsync(string source, params (string Path, string Text)[] configs)
    {
        using var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(projectId, VersionStamp.Default, "Tests", "Tests",
            LanguageNames.CSharp, filePath: "/0/Tests.csproj",
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary),
            parseOptions: TestReferences.ParseOptions,
            metadataReferences: await TestReferences.PlatformAsync()));
        solution = solution.AddDocument(DocumentId.CreateNewId(projectId), "Test0.cs",
            Microsoft.CodeAnalysis.Text.SourceText.From(FixTest<UsePaddingSameCodeFixProvider>.Header + source), filePath: "/0/Test0.cs");
        foreach (var (path, text) in configs)
        {
            solution = solution.AddAnalyzerConfigDocument(DocumentId.CreateNewId(projectId), System.IO.Path.GetFileName(path),
                Microsoft.CodeAnalysis.Text.SourceText.From(text), filePath: path);
        }
        var project = solution.GetProject(projectId)!;
        var compilation = (await project.GetCompilationAsync())!;
        return await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new ShapeAnalyzer()), project.AnalyzerOptions)
            .GetAnalyzerDiagnosticsAsync();
    }

    /// <summary>The severity a build reports: a warning raised to an error keeps Severity = Warning and sets IsWarningAsError.</summary>
    public static DiagnosticSeverity Effective(Diagnostic diagnostic) => diagnostic.IsWarningAsError ? DiagnosticSeverity.Error : diagnostic.Severity;

    /// <summary>Runs the generator: the compilation with its output added, and the generated sources.</summary>
    public static (Compilation Output, GeneratorDriverRunResult Run) Generate(Compilation compilation)
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new NetworkGenerator().AsSourceGenerator() }, parseOptions: TestReferences.ParseOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return (output, driver.GetRunResult());
    }

    private sealed class OptionsProvider : AnalyzerConfigOptionsProvider
    {
        private readonly Options _options;

        public OptionsProvider(IReadOnlyDictionary<string, string> options) => _options = new Options(options);

        public override AnalyzerConfigOptions GlobalOptions => _options;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => _options;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => _options;
    }

    private sealed class Options : AnalyzerConfigOptions
    {
        private readonly IReadOnlyDictionary<string, string> _values;

        public Options(IReadOnlyDictionary<string, string> values) => _values = values;

        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
        {
            bool found = _values.TryGetValue(key, out var text);
            value = text;
            return found;
        }
    }
}
