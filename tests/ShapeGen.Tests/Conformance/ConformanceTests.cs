using System.Text.Json;
using ShapeGen.Tests.Infrastructure;

namespace ShapeGen.Tests.Conformance;

/// <summary>Compiles every conformance case of the shared oracle data once, in one assembly, with runners for Forward.</summary>
public sealed class ConformanceFixture : IDisposable
{
    public const string Namespace = "Conformance";

    public ConformanceFixture()
    {
        Compiler = NetworkCompiler.Compile(
            ConformanceTests.CaseNames.Select(name => SpecTranslator.Declaration(ConformanceTests.Spec(name), Namespace)),
            "ShapeGen.Conformance",
            withRunners: true);
    }

    public NetworkCompiler Compiler { get; }

    public void Dispose() => Compiler.Dispose();
}

/// <summary>
/// Each conformance spec, translated to ShapeGen attributes and run through the real generator, must give the
/// layer names, output shapes and parameter counts of the reference summary (TF.js, i.e. Keras).
/// </summary>
public sealed class ConformanceTests : IClassFixture<ConformanceFixture>
{
    private readonly ConformanceFixture _fixture;

    public ConformanceTests(ConformanceFixture fixture) => _fixture = fixture;

    public static IReadOnlyList<string> CaseNames { get; } = Directory
        .GetDirectories(TestData.PathOf("Conformance"))
        .Where(d => File.Exists(Path.Combine(d, "spec.json")))
        .Select(Path.GetFileName)
        .OrderBy(n => n, StringComparer.Ordinal)
        .ToList()!;

    public static IEnumerable<object[]> Cases => CaseNames.Select(n => new object[] { n });

    public static JsonElement Spec(string name) => TestData.ReadJson("Conformance", name, "spec.json");

    [Fact]
    public void All_fifteen_cases_are_present()
    {
        // 13 stacks and 2 graphs (resnet_tiny with Add, unet_small with Concatenate).
        Assert.Equal(15, CaseNames.Count);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Summary_matches_the_reference(string name)
    {
        var spec = Spec(name);
        var reference = ReferenceSummary.From(TestData.ReadJson("Conformance", name, "summary.json"));
        var network = _fixture.Compiler[ConformanceFixture.Namespace + "." + spec.GetProperty("name").GetString()];
        SummaryAssert.Matches(reference, network);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Layer_table_agrees_with_the_totals_and_the_summary_text(string name)
    {
        var spec = Spec(name);
        var network = _fixture.Compiler[ConformanceFixture.Namespace + "." + spec.GetProperty("name").GetString()];
        Assert.Equal(network.ParameterCount, network.Layers.Sum(l => l.Parameters));
        Assert.Equal(network.TrainableParameterCount, network.Layers.Sum(l => l.TrainableParameters));
        Assert.Equal(network.MultiplyAddCount, network.Layers.Sum(l => l.MultiplyAdds));
        Assert.StartsWith($"Model: \"{spec.GetProperty("name").GetString()}\"", network.Summary);
        foreach (var layer in network.Layers)
        {
            Assert.Contains($"{layer.Name} ({layer.Type})", network.Summary);
        }
        Assert.Contains($"Total params: {network.ParameterCount.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} (", network.Summary);
    }
}
