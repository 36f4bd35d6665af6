using ShapeGen.Tests.Corpus;
using ShapeGen.Tests.Infrastructure;

namespace ShapeGen.Tests.Forward;

/// <summary>
/// The 280 random stacks with random weights and inputs: the generated forward pass agrees with the independent
/// naive reference (plain loops from the Keras definitions) on every one.
/// </summary>
public sealed class RandomCorpusForwardTests : IClassFixture<RandomCorpusFixture>
{
    private readonly RandomCorpusFixture _fixture;

    public RandomCorpusForwardTests(RandomCorpusFixture fixture) => _fixture = fixture;

    [Theory]
    [MemberData(nameof(RandomCorpusTests.Cases), MemberType = typeof(RandomCorpusTests))]
    public void Generated_forward_matches_the_naive_reference(string name)
    {
        var network = _fixture.Compiler[RandomCorpusFixture.Namespace + "." + name];
        var random = new Random(StringComparer.Ordinal.GetHashCode(name) & 0x7fffffff);
        var weights = RandomWeights.For(network.Layers, network.ParameterCount, random);
        var input = Enumerable.Range(0, network.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

        var expected = NaiveReference.Run(RandomCorpusTests.Case(name).GetProperty("spec"), weights, input);
        var actual = network.Forward(network.Create(weights), input);
        OutputAssert.Close(expected, actual, name, relative: 1e-4, absolute: 1e-4);
    }
}
