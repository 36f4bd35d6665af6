using ShapeGen.Tests.Conformance;
using ShapeGen.Tests.Infrastructure;

namespace ShapeGen.Tests.Forward;

/// <summary>The contract's runtime promises: no allocation per Forward after warm-up, and one instance shared by threads.</summary>
public sealed class AllocationAndThreadingTests : IClassFixture<ConformanceFixture>
{
    private readonly ConformanceFixture _fixture;

    public AllocationAndThreadingTests(ConformanceFixture fixture) => _fixture = fixture;

    public static IEnumerable<object[]> Networks => new[] { "mnist_convnet", "mobile_block", "transpose_upsampling", "resnet_tiny", "unet_small", "conv1d_sequence" }
        .Select(n => new object[] { n });

    private (CompiledNetwork Network, object Instance, ReferenceRun Reference) Load(string name)
    {
        var network = _fixture.Compiler[ConformanceFixture.Namespace + "." + ConformanceTests.Spec(name).GetProperty("name").GetString()];
        var reference = ReferenceRun.Read(TestData.PathOf("Conformance", name), network.Layers);
        return (network, network.Create(reference.Weights), reference);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Forward_allocates_nothing_after_warm_up(string name)
    {
        var (network, instance, reference) = Load(name);
        var input = reference.Input.AsSpan(0, network.InputSize).ToArray();
        var output = new float[network.OutputSize];
        network.ForwardInto(instance, input, output); // warm-up: this thread's workspace, JIT

        // A call that allocates does so in every round; the runtime's own one-off work (tiered compilation starting to
        // count calls on this thread) lands in one round at most. So the fewest bytes of three rounds must be zero.
        long fewest = long.MaxValue;
        for (int round = 0; round < 3 && fewest > 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 50; i++) network.ForwardInto(instance, input, output);
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, fewest);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Concurrent_calls_on_one_instance_give_the_serial_results(string name)
    {
        var (network, instance, _) = Load(name);
        const int samples = 24;
        var random = new Random(7);
        var inputs = Enumerable.Range(0, samples)
            .Select(_ => Enumerable.Range(0, network.InputSize).Select(_ => (float)random.NextDouble()).ToArray())
            .ToArray();
        var serial = inputs.Select(input => network.Forward(instance, input)).ToArray();

        var concurrent = new float[samples][];
        using var start = new Barrier(4);
        var mismatches = new System.Collections.Concurrent.ConcurrentBag<string>();
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                // Every thread runs every sample a few times, interleaved with the others.
                for (int round = 0; round < 5; round++)
                {
                    for (int s = t; s < samples; s += 4) concurrent[s] = network.Forward(instance, inputs[s]);
                    for (int s = 0; s < samples; s++)
                    {
                        if (!serial[s].AsSpan().SequenceEqual(network.Forward(instance, inputs[s]))) mismatches.Add($"thread {t}, round {round}, sample {s}");
                    }
                }
            }
            catch (Exception exception)
            {
                mismatches.Add($"thread {t}: {exception}");
            }
        })).ToList();
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();

        Assert.Empty(mismatches);
        for (int s = 0; s < samples; s++) Assert.Equal(serial[s], concurrent[s]);
    }
}
