using System.Text.Json;
using ShapeGen.Tests.Infrastructure;

namespace ShapeGen.Tests.Corpus;

/// <summary>All random stacks of the corpus, compiled once through the real generator into one assembly.</summary>
public sealed class RandomCorpusFixture : IDisposable
{
    public const string Namespace = "Corpus.Random";

    public RandomCorpusFixture()
    {
        Compiler = NetworkCompiler.Compile(
            RandomCorpusTests.CaseNames.Select(name => SpecTranslator.Declaration(RandomCorpusTests.Case(name).GetProperty("spec"), Namespace, name)),
            "ShapeGen.RandomCorpus",
            withRunners: true);
    }

    public NetworkCompiler Compiler { get; }

    public void Dispose() => Compiler.Dispose();
}

/// <summary>
/// Random layer stacks (tools/corpus) with the summary TF.js computed for each: every generated layer table and
/// total must agree exactly.
/// </summary>
public sealed class RandomCorpusTests : IClassFixture<RandomCorpusFixture>
{
    private readonly RandomCorpusFixture _fixture;

    public RandomCorpusTests(RandomCorpusFixture fixture) => _fixture = fixture;

    public static IReadOnlyList<string> CaseNames { get; } = Directory
        .GetFiles(TestData.PathOf("Corpus", "Random"), "*.json")
        .Select(Path.GetFileNameWithoutExtension)
        .OrderBy(n => n, StringComparer.Ordinal)
        .ToList()!;

    public static IEnumerable<object[]> Cases => CaseNames.Select(n => new object[] { n });

    public static JsonElement Case(string name) => TestData.ReadJson("Corpus", "Random", name + ".json");

    [Fact]
    public void The_corpus_is_there()
    {
        Assert.True(CaseNames.Count >= 200, $"expected the random corpus (hundreds of stacks), found {CaseNames.Count}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Summary_matches_the_reference(string name)
    {
        var reference = ReferenceSummary.From(Case(name).GetProperty("summary"));
        SummaryAssert.Matches(reference, _fixture.Compiler[RandomCorpusFixture.Namespace + "." + name]);
    }
}
