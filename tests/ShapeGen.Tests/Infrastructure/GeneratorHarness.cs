using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ShapeGen.Generators.Analysis;
using ShapeGen.Generators.Generation;

namespace ShapeGen.Tests.Infrastructure;

/// <summary>One source file of a test compilation.</summary>
public sealed record SourceFile(string Path, string Code);

/// <summary>Builds in-memory compilations and runs the real ShapeGen generator and analyzer on them.</summary>
internal static class GeneratorHarness
{
    public static CSharpCompilationOptions CompilationOptions { get; } = new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary,
            optimizationLevel: OptimizationLevel.Release,
            allowUnsafe: true,
            nullableContextOptions: NullableContextOptions.Enable)
        // Fixed so that nothing about the machine changes what compiles.
        .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
        {
            ["CS1591"] = ReportDiagnostic.Suppress, // missing XML comments on the test's own declarations
        });

    public static SyntaxTree Parse(SourceFile file) => CSharpSyntaxTree.ParseText(file.Code, TestReferences.ParseOptions, file.Path);

    /// <summary>Parsing the same files twice costs as much as compiling them: one base compilation shares its references.</summary>
    private static readonly CSharpCompilation Empty = CSharpCompilation.Create(
        "ShapeGen.TestNetworks", Array.Empty<SyntaxTree>(), TestReferences.Platform, CompilationOptions);

    public static CSharpCompilation CreateCompilation(IEnumerable<SourceFile> files, string assemblyName = "ShapeGen.TestNetworks")
        => Empty.WithAssemblyName(assemblyName).AddSyntaxTrees(files.Select(Parse));

    public static CSharpCompilation CreateCompilation(params string[] sources)
        => CreateCompilation(sources.Select((code, i) => new SourceFile($"Source{i}.cs", code)));

    public static GeneratorDriver CreateDriver(bool trackSteps = false) => CSharpGeneratorDriver.Create(
        new[] { new NetworkGenerator().AsSourceGenerator() },
        parseOptions: TestReferences.ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs the generator once: the driver (for incremental reruns), the compilation with the generated trees, and the run.</summary>
    public static GeneratorRun Run(Compilation compilation, GeneratorDriver? driver = null)
    {
        driver = (driver ?? CreateDriver()).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var driverDiagnostics);
        return new GeneratorRun(driver, compilation, output, driverDiagnostics, driver.GetRunResult());
    }

    /// <summary>
    /// The ShapeAnalyzer's diagnostics, and every exception it threw (reported, not swallowed). Only the analyzer's
    /// own diagnostics: the compiler's are <see cref="GeneratorRun.OutputDiagnostics"/>, so nothing is bound twice.
    /// </summary>
    public static AnalyzerRun Analyze(Compilation compilation)
    {
        var exceptions = new List<string>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, analyzer, diagnostic) => { lock (exceptions) exceptions.Add($"{analyzer}: {exception}"); },
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false);
        var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new ShapeAnalyzer()), options);
        var all = withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        return new AnalyzerRun(all, exceptions);
    }
}

public sealed record GeneratorRun(
    GeneratorDriver Driver,
    Compilation Input,
    Compilation Output,
    ImmutableArray<Diagnostic> DriverDiagnostics,
    GeneratorDriverRunResult Result)
{
    public IEnumerable<SyntaxTree> GeneratedTrees => Result.GeneratedTrees;

    private ImmutableArray<Diagnostic>? _outputDiagnostics;
    private ImmutableArray<Diagnostic>? _inputDiagnostics;

    /// <summary>The compiler's diagnostics for the compilation with the generated code (computed once: binding is the cost).</summary>
    public ImmutableArray<Diagnostic> OutputDiagnostics => _outputDiagnostics ??= Output.GetDiagnostics();

    /// <summary>The compiler's diagnostics for the input alone.</summary>
    public ImmutableArray<Diagnostic> InputDiagnostics => _inputDiagnostics ??= Input.GetDiagnostics();

    /// <summary>Exceptions the generator threw (the compiler would turn each into warning CS8785), and CS8785 itself.</summary>
    public IEnumerable<string> Failures()
    {
        foreach (var result in Result.Results)
        {
            if (result.Exception != null) yield return $"{result.Generator.GetGeneratorType().Name} threw {result.Exception}";
        }
        foreach (var diagnostic in DriverDiagnostics.Concat(Result.Diagnostics))
        {
            if (diagnostic.Id is "CS8785" or "SG9999") yield return diagnostic.ToString();
        }
    }

    /// <summary>Errors of the compilation with the generated code that the input alone did not have.</summary>
    public IReadOnlyList<Diagnostic> NewErrors()
    {
        var before = new HashSet<string>(InputDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(Key));
        return OutputDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && !before.Contains(Key(d))).ToList();
    }

    /// <summary>Warnings or errors located in generated code: generated code must compile cleanly.</summary>
    public IReadOnlyList<Diagnostic> DiagnosticsInGeneratedCode()
    {
        var generated = new HashSet<SyntaxTree>(Result.GeneratedTrees);
        return OutputDiagnostics
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.SourceTree is { } tree && generated.Contains(tree))
            .ToList();
    }

    private static string Key(Diagnostic d) => $"{d.Id}|{d.Location.SourceTree?.FilePath}|{d.Location.SourceSpan}|{d.GetMessage()}";
}

public sealed record AnalyzerRun(ImmutableArray<Diagnostic> Diagnostics, IReadOnlyList<string> Exceptions)
{
    public IEnumerable<Diagnostic> ShapeGen => Diagnostics.Where(d => d.Id.StartsWith("SG", StringComparison.Ordinal));

    /// <summary>AD0001 (an analyzer threw) and exceptions passed to the callback.</summary>
    public IEnumerable<string> Failures() =>
        Exceptions.Concat(Diagnostics.Where(d => d.Id is "AD0001" or "AD0002").Select(d => d.ToString()));
}
