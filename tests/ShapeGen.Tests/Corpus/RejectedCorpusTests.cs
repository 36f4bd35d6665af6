using System.Text.Json;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ShapeGen.Tests.Infrastructure;

namespace ShapeGen.Tests.Corpus;

/// <summary>All rejected stacks in one compilation, run through the generator and then the analyzer.</summary>
public sealed class RejectedCorpusFixture
{
    public const string Namespace = "Corpus.Rejected";

    public RejectedCorpusFixture()
    {
        var files = RejectedCorpusTests.CaseNames
            .Select(name => SpecTranslator.Declaration(RejectedCorpusTests.Case(name).GetProperty("spec"), Namespace, name))
            .Select(n => new SourceFile(n.TypeName + ".cs", n.Code));
        var compilation = GeneratorHarness.CreateCompilation(files, "ShapeGen.RejectedCorpus");
        Generator = GeneratorHarness.Run(compilation);
        Analyzer = GeneratorHarness.Analyze(Generator.Output);
    }

    public GeneratorRun Generator { get; }

    public AnalyzerRun Analyzer { get; }
}

/// <summary>
/// Stacks TF.js refuses to build ("Negative dimension size"): ShapeGen must report SG0003 on the attribute of the
/// layer TF.js names, and generate nothing for the type.
/// </summary>
public sealed class RejectedCorpusTests : IClassFixture<RejectedCorpusFixture>
{
    private readonly RejectedCorpusFixture _fixture;

    public RejectedCorpusTests(RejectedCorpusFixture fixture) => _fixture = fixture;

    public static IReadOnlyList<string> CaseNames { get; } = Directory
        .GetFiles(TestData.PathOf("Corpus", "Rejected"), "*.json")
        .Select(Path.GetFileNameWithoutExtension)
        .OrderBy(n => n, StringComparer.Ordinal)
        .ToList()!;

    public static IEnumerable<object[]> Cases => CaseNames.Select(n => new object[] { n });

    public static JsonElement Case(string name) => TestData.ReadJson("Corpus", "Rejected", name + ".json");

    [Fact]
    public void The_corpus_is_there()
    {
        Assert.True(CaseNames.Count >= 20, $"expected the rejected corpus, found {CaseNames.Count}");
    }

    [Fact]
    public void Neither_the_generator_nor_the_analyzer_fails()
    {
        Assert.Empty(_fixture.Generator.Failures());
        Assert.Empty(_fixture.Analyzer.Failures());
        // The declarations themselves are valid C#: only ShapeGen has something to say about them.
        Assert.Empty(_fixture.Generator.Input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SG0003_is_reported_on_the_layer_that_collapses(string name)
    {
        var testCase = Case(name);
        int layer = testCase.GetProperty("expectedErrorLayer").GetInt32();
        var tree = _fixture.Generator.Input.SyntaxTrees.Single(t => t.FilePath == $"{RejectedCorpusFixture.Namespace}.{name}.cs");
        var attributes = tree.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>().Single()
            .AttributeLists.SelectMany(list => list.Attributes).ToList();
        var expected = attributes[layer + 1]; // [Input] comes first

        var errors = _fixture.Analyzer.ShapeGen
            .Where(d => d.Location.SourceTree == tree && d.Severity == DiagnosticSeverity.Error)
            .ToList();
        string reference = testCase.GetProperty("error").GetString()!;
        var diagnostic = Assert.Single(errors, d => d.Id == "SG0003");
        Assert.True(diagnostic.Location.SourceSpan == expected.Span,
            $"SG0003 should squiggle [{expected}] (layer {layer}, TF.js: {reference}) but is on [{tree.GetText().ToString(diagnostic.Location.SourceSpan)}]: {diagnostic.GetMessage()}");
        // Nothing else is wrong with these stacks: no other error anywhere on the type.
        Assert.True(errors.Count == 1, "other errors: " + string.Join("\n", errors.Where(d => d != diagnostic)));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Nothing_is_generated_for_a_rejected_network(string name)
    {
        string typeName = $"{RejectedCorpusFixture.Namespace}.{name}";
        Assert.DoesNotContain(_fixture.Generator.GeneratedTrees, t => t.ToString().Contains($"partial class {name}", StringComparison.Ordinal));
        var type = _fixture.Generator.Output.GetTypeByMetadataName(typeName);
        Assert.NotNull(type);
        Assert.Empty(type!.GetMembers("Layers"));
        Assert.Empty(type.GetMembers("ParameterCount"));
    }
}
