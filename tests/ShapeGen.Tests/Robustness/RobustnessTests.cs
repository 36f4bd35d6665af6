using System.Text;
using Microsoft.CodeAnalysis;
using ShapeGen.Tests.Infrastructure;

namespace ShapeGen.Tests.Robustness;

/// <summary>
/// Hundreds of damaged declarations through the generator and the analyzer: neither may throw (no CS8785, no
/// AD0001, no SG9999), and whatever is generated must compile: the output compilation has no error the input
/// did not already have, and generated code has no diagnostics of its own.
/// </summary>
public sealed class RobustnessFixture
{
    private readonly Dictionary<string, Lazy<(IReadOnlyList<(string Name, string Code)> Mutants, GeneratorRun Run, AnalyzerRun Analysis)>> _runs;

    public RobustnessFixture()
    {
        _runs = RobustnessTests.Categories().Select(c => (string)c[0]).ToDictionary(c => c, c =>
            new Lazy<(IReadOnlyList<(string Name, string Code)>, GeneratorRun, AnalyzerRun)>(() =>
            {
                var mutants = RobustnessTests.MutantsOf(c);
                var run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(RobustnessTests.Files(mutants), "Mutants_" + c));
                return (mutants, run, GeneratorHarness.Analyze(run.Output));
            }));
    }

    /// <summary>Each category compiled once, with the generator and then the analyzer.</summary>
    public (IReadOnlyList<(string Name, string Code)> Mutants, GeneratorRun Run, AnalyzerRun Analysis) this[string category] => _runs[category].Value;
}

public sealed class RobustnessTests : IClassFixture<RobustnessFixture>
{
    private readonly RobustnessFixture _fixture;

    public RobustnessTests(RobustnessFixture fixture) => _fixture = fixture;

    public static IEnumerable<object[]> Categories() => new[]
    {
        new object[] { "arguments" },
        new object[] { "attributes" },
        new object[] { "truncations" },
        new object[] { "declarations" },
    };

    internal static IReadOnlyList<(string Name, string Code)> MutantsOf(string category) => (category switch
    {
        "arguments" => Mutants.ArgumentMutants(),
        "attributes" => Mutants.AttributeMutants(),
        "truncations" => Mutants.Truncations(),
        "declarations" => Mutants.DeclarationMutants(),
        _ => throw new ArgumentException(category),
    }).ToList();

    internal static IEnumerable<SourceFile> Files(IEnumerable<(string Name, string Code)> mutants)
        => mutants.Select(m => new SourceFile(m.Name + ".cs", m.Code.Replace("__NS__", "M" + m.Name)));

    [Fact]
    public void The_base_networks_are_valid_and_generate_code()
    {
        var files = Mutants.Bases.Select((code, i) => new SourceFile($"Base{i}.cs", code.Replace("__NS__", "Base" + i)));
        using var compiled = NetworkCompiler.Compile(files.Select(f => new NetworkSource(Path.GetFileNameWithoutExtension(f.Path) + ".Net", f.Code)));
        Assert.Equal(10, compiled["Base0.Net"].OutputSize);
        Assert.Equal(3, compiled["Base1.Net"].OutputSize);
        Assert.Equal(4, compiled["Base2.Net"].OutputSize);
        // Valid networks: no errors or warnings (info notes such as uneven 'same' padding are fine).
        Assert.DoesNotContain(GeneratorHarness.Analyze(compiled.Run.Output).ShapeGen, d => d.Severity > DiagnosticSeverity.Info);
    }

    [Theory]
    [MemberData(nameof(Categories))]
    public void Damaged_declarations_never_break_the_generator_or_the_analyzer(string category)
    {
        var (mutants, run, analysis) = _fixture[category];
        Assert.True(mutants.Count >= 50 || category == "declarations", $"only {mutants.Count} {category} mutants");

        var problems = new StringBuilder();
        foreach (var failure in run.Failures()) problems.Append("generator: ").Append(failure).Append('\n');
        foreach (var failure in analysis.Failures()) problems.Append("analyzer: ").Append(failure).Append('\n');
        foreach (var error in run.NewErrors()) problems.Append("new error: ").Append(error).Append('\n');
        foreach (var diagnostic in run.DiagnosticsInGeneratedCode()) problems.Append("in generated code: ").Append(diagnostic).Append('\n');
        Assert.True(problems.Length == 0, $"{mutants.Count} {category} mutants:\n{problems}");
    }

    [Fact]
    public void The_mutants_are_hundreds_and_most_still_generate()
    {
        int total = Categories().Sum(c => MutantsOf((string)c[0]).Count);
        Assert.True(total >= 500, $"{total} mutants");

        // Dropping or replacing one argument often leaves a valid network: the generator must still emit those.
        var (mutants, run, _) = _fixture["arguments"];
        int generated = run.GeneratedTrees.Count(t => t.FilePath.EndsWith(".Net.g.cs", StringComparison.Ordinal));
        Assert.InRange(generated, 20, mutants.Count - 20);
    }

    [Fact]
    public void Broken_attributes_get_compiler_errors_and_no_ShapeGen_noise()
    {
        // A half-typed attribute already has a compiler error; ShapeGen adds nothing about that type.
        var compilation = GeneratorHarness.CreateCompilation("""
            using ShapeGen;
            namespace N;
            [Input(8, 8, 1)]
            [Conv2D("x", 3)]
            [Dense(0)]
            public partial class Net;
            """);
        var run = GeneratorHarness.Run(compilation);
        Assert.Contains(compilation.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
        Assert.DoesNotContain(run.GeneratedTrees, t => t.FilePath.EndsWith("N.Net.g.cs", StringComparison.Ordinal));
        Assert.Empty(GeneratorHarness.Analyze(run.Output).ShapeGen);
    }
}
