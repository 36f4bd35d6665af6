using System.Runtime.InteropServices;
using System.Text.Json;
using ShapeGen.Tests.Conformance;
using ShapeGen.Tests.Infrastructure;

namespace ShapeGen.Tests.Forward;

/// <summary>Reference data of one oracle case: Keras-order weights, the input batch, the expected output batch.</summary>
public sealed record ReferenceRun(float[] Weights, float[] Input, float[] Output, int Batch)
{
    /// <summary>
    /// Reads a case folder. The oracle writes TF.js getWeights() order (every trainable array first, then the
    /// non-trainable ones); <see cref="WeightOrder.FromTensorFlowJs"/> turns it into the Keras order the constructors take.
    /// </summary>
    public static ReferenceRun Read(string folder, IReadOnlyList<LayerInfo> layers)
    {
        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json"))).RootElement;
        return new ReferenceRun(
            WeightOrder.FromTensorFlowJs(Floats(Path.Combine(folder, "weights.bin")), layers),
            Floats(Path.Combine(folder, "input.bin")),
            Floats(Path.Combine(folder, "output.bin")),
            summary.TryGetProperty("batch", out var batch) ? batch.GetInt32() : 1);
    }

    public static float[] Floats(string path) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();
}

/// <summary>Compares outputs with the tolerance: 1e-4 relative or 1e-5 absolute, listing the worst offenders.</summary>
public static class OutputAssert
{
    public static void Close(float[] expected, float[] actual, string what, double relative = 1e-4, double absolute = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        var bad = Enumerable.Range(0, expected.Length)
            .Where(i => !(Math.Abs(actual[i] - expected[i]) <= absolute || Math.Abs(actual[i] - expected[i]) <= relative * Math.Abs(expected[i])))
            .ToList();
        if (bad.Count == 0) return;
        Assert.Fail($"{what}: {bad.Count} of {expected.Length} values differ, e.g. " +
            string.Join("; ", bad.Take(5).Select(i => $"[{i}] expected {expected[i]:R}, got {actual[i]:R}")));
    }
}

/// <summary>Every conformance case (stacks and graphs) reproduces the oracle's output.bin from its weights.bin and input.bin.</summary>
public sealed class ForwardConformanceTests : IClassFixture<ConformanceFixture>
{
    private readonly ConformanceFixture _fixture;

    public ForwardConformanceTests(ConformanceFixture fixture) => _fixture = fixture;

    [Theory]
    [MemberData(nameof(ConformanceTests.Cases), MemberType = typeof(ConformanceTests))]
    public void Output_matches_the_reference(string name)
    {
        var network = _fixture.Compiler[ConformanceFixture.Namespace + "." + ConformanceTests.Spec(name).GetProperty("name").GetString()];
        var reference = ReferenceRun.Read(TestData.PathOf("Conformance", name), network.Layers);
        var instance = network.Create(reference.Weights);
        OutputAssert.Close(reference.Output, network.Forward(instance, reference.Input, reference.Batch), name);
    }

    [Theory]
    [MemberData(nameof(ConformanceTests.Cases), MemberType = typeof(ConformanceTests))]
    public void Batched_forward_equals_one_sample_at_a_time(string name)
    {
        var network = _fixture.Compiler[ConformanceFixture.Namespace + "." + ConformanceTests.Spec(name).GetProperty("name").GetString()];
        var reference = ReferenceRun.Read(TestData.PathOf("Conformance", name), network.Layers);
        var instance = network.Create(reference.Weights);
        // 3 samples: part of one group of a batch-run Dense layer; 11: a whole group of 8 and part of another.
        foreach (int batch in new[] { 3, 11 })
        {
            var random = new Random(name.Length + batch);
            var inputs = Enumerable.Range(0, batch * network.InputSize).Select(_ => (float)random.NextDouble()).ToArray();
            var batched = network.Forward(instance, inputs, batch);
            for (int b = 0; b < batch; b++)
            {
                var single = network.Forward(instance, inputs.AsSpan(b * network.InputSize, network.InputSize).ToArray());
                // The same code on the same values: identical, not merely close.
                Assert.Equal(single, batched.AsSpan(b * network.OutputSize, network.OutputSize).ToArray());
            }
        }
    }

    [Fact]
    public void Wrong_lengths_throw_ArgumentException()
    {
        var network = _fixture.Compiler[ConformanceFixture.Namespace + ".MnistConvNet"];
        Assert.Throws<ArgumentException>(() => network.Create(new float[network.ParameterCount - 1]));
        var instance = network.Create(new float[network.ParameterCount]);
        Assert.Throws<ArgumentException>(() => network.Forward(instance, new float[network.InputSize + 1]));
        Assert.Throws<ArgumentException>(() => network.ForwardInto(instance, new float[network.InputSize], new float[network.OutputSize - 1]));
        Assert.Throws<ArgumentException>(() => network.Forward(instance, new float[network.InputSize * 2 + 1], 2));
    }
}
