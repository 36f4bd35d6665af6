using System.Text.Json;
using ShapeGen.Tests.Infrastructure;

namespace ShapeGen.Tests.Forward;

/// <summary>The numeric corpus: 40 random stacks with oracle weights, inputs and outputs, compiled once.</summary>
public sealed class NumericCorpusFixture : IDisposable
{
    public const string Namespace = "Corpus.Numeric";

    public NumericCorpusFixture()
    {
        Compiler = NetworkCompiler.Compile(
            NumericCorpusTests.CaseNames.Select(name => SpecTranslator.Declaration(NumericCorpusTests.Spec(name), Namespace, name)),
            "ShapeGen.NumericCorpus",
            withRunners: true);
    }

    public NetworkCompiler Compiler { get; }

    public void Dispose() => Compiler.Dispose();
}

/// <summary>
/// Every layer type and activation, run: the generated forward pass and the independent <see cref="NaiveReference"/>
/// both reproduce TF.js's outputs. The second check is what makes the naive reference trustworthy for the random
/// corpus, where there is no oracle output.
/// </summary>
public sealed class NumericCorpusTests : IClassFixture<NumericCorpusFixture>
{
    private readonly NumericCorpusFixture _fixture;

    public NumericCorpusTests(NumericCorpusFixture fixture) => _fixture = fixture;

    public static IReadOnlyList<string> CaseNames { get; } = Directory
        .GetDirectories(TestData.PathOf("Corpus", "Numeric"))
        .Select(Path.GetFileName)
        .OrderBy(n => n, StringComparer.Ordinal)
        .ToList()!;

    public static IEnumerable<object[]> Cases => CaseNames.Select(n => new object[] { n });

    public static JsonElement Spec(string name) => TestData.ReadJson("Corpus", "Numeric", name, "spec.json");

    [Fact]
    public void The_corpus_is_there() => Assert.True(CaseNames.Count >= 40, $"found {CaseNames.Count} numeric cases");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generated_forward_matches_the_oracle(string name)
    {
        var network = _fixture.Compiler[NumericCorpusFixture.Namespace + "." + name];
        var reference = ReferenceRun.Read(TestData.PathOf("Corpus", "Numeric", name), network.Layers);
        OutputAssert.Close(reference.Output, network.Forward(network.Create(reference.Weights), reference.Input, reference.Batch), name);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Naive_reference_matches_the_oracle(string name)
    {
        var network = _fixture.Compiler[NumericCorpusFixture.Namespace + "." + name];
        var reference = ReferenceRun.Read(TestData.PathOf("Corpus", "Numeric", name), network.Layers);
        var outputs = new List<float>();
        for (int b = 0; b < reference.Batch; b++)
        {
            outputs.AddRange(NaiveReference.Run(Spec(name), reference.Weights, reference.Input.AsSpan(b * network.InputSize, network.InputSize).ToArray()));
        }
        OutputAssert.Close(reference.Output, outputs.ToArray(), name + " (naive reference)");
    }
}
