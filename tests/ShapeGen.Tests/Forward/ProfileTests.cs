using System.Reflection;
using ShapeGen.Tests.Conformance;
using ShapeGen.Tests.Infrastructure;

namespace ShapeGen.Tests.Forward;

/// <summary>The generated <c>Profile</c> method: one row per Keras layer, kernels attributed to their layers, folded layers named.</summary>
public sealed class ProfileTests : IClassFixture<ConformanceFixture>
{
    private readonly ConformanceFixture _fixture;

    public ProfileTests(ConformanceFixture fixture) => _fixture = fixture;

    private (CompiledNetwork Network, object Instance, ReferenceRun Reference) Load(string name)
    {
        var network = _fixture.Compiler[ConformanceFixture.Namespace + "." + ConformanceTests.Spec(name).GetProperty("name").GetString()];
        var reference = ReferenceRun.Read(TestData.PathOf("Conformance", name), network.Layers);
        return (network, network.Create(reference.Weights), reference);
    }

    private static ForwardProfile Profile(object instance, float[] input, int iterations)
    {
        var method = instance.GetType().GetMethod("Profile", new[] { typeof(ReadOnlySpan<float>), typeof(int) })
                     ?? throw new InvalidOperationException("No generated Profile(ReadOnlySpan<float>, int).");
        try
        {
            // ReadOnlySpan cannot be boxed: call through a delegate of the exact signature.
            var call = method.CreateDelegate<ProfileCall>(instance);
            return call(input, iterations);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }

    private delegate ForwardProfile ProfileCall(ReadOnlySpan<float> input, int iterations);

    [Theory]
    [InlineData("mobile_block")]
    [InlineData("mobilenet_96")]
    [InlineData("resnet_tiny")]
    [InlineData("stride_padding_zoo")]
    public void Every_layer_gets_a_row_and_every_kernel_a_layer(string name)
    {
        var (network, instance, reference) = Load(name);
        var profile = Profile(instance, reference.Input.AsSpan(0, network.InputSize).ToArray(), 5);

        Assert.Equal(network.Layers.Select(l => l.Name), profile.Layers.Select(l => l.Name));
        Assert.Equal(network.Layers.Select(l => l.MultiplyAdds), profile.Layers.Select(l => l.MultiplyAdds));
        Assert.Equal(5, profile.Iterations);
        Assert.NotEmpty(profile.Kernels);
        Assert.All(profile.Kernels, k => Assert.Contains(k.Layer, network.Layers.Select(l => l.Name)));
        Assert.All(profile.Kernels, k => Assert.True(k.Microseconds >= 0));
        Assert.Equal(profile.Kernels.Count, profile.Layers.Sum(l => l.Kernels));
        // A layer runs kernels of its own, or is done by another layer's kernel, or moves no data. (On several threads a
        // pool's kernel can also run inside another layer's call, timed there: see the CifarVgg test below.)
        foreach (var layer in profile.Layers)
        {
            if (layer.RunsIn is { } host)
            {
                Assert.True(profile.Layers.Single(l => l.Name == host).Kernels > 0, $"{layer.Name} runs in {host}, which has no kernel");
                Assert.Equal(0, layer.Microseconds);
            }
        }
        // Layer times are the sums of their kernels' medians; the pass takes at least as long as any one kernel.
        foreach (var layer in profile.Layers)
        {
            Assert.Equal(profile.Kernels.Where(k => k.Layer == layer.Name).Sum(k => k.Microseconds), layer.Microseconds, 9);
        }
        Assert.True(profile.TotalMicroseconds > 0);
        Assert.True(profile.TotalMicroseconds >= profile.Kernels.Max(k => k.Microseconds));
        Assert.Equal(network.Layers.Sum(l => l.MultiplyAdds), profile.MultiplyAdds);
    }

    [Fact]
    public void Folded_batch_normalization_and_fused_activations_name_the_convolution_that_runs_them()
    {
        var (network, instance, reference) = Load("mobilenet_96");
        var profile = Profile(instance, reference.Input.AsSpan(0, network.InputSize).ToArray(), 3);

        var layers = profile.Layers.ToDictionary(l => l.Name);
        Assert.Equal("conv2d", layers["batch_normalization"].RunsIn);
        Assert.Equal("conv2d", layers["re_lu"].RunsIn);
        Assert.Equal("depthwise_conv2d", layers["batch_normalization_1"].RunsIn);
        Assert.Equal(0, layers["batch_normalization"].Kernels);
        Assert.True(layers["conv2d_1"].Kernels >= 1);
        Assert.True(layers["conv2d_1"].GigaflopsPerSecond > 0);

        string table = profile.ToTable(224);
        Assert.Contains("in conv2d", table);
        Assert.Contains("% of peak", table);
        foreach (var layer in network.Layers) Assert.Contains(layer.Name, table);
        Assert.Contains("depthwise 3×3", profile.ToKernelTable());
    }

    [Fact]
    public void Profiling_leaves_forward_results_unchanged()
    {
        var (network, instance, reference) = Load("mnist_convnet");
        var input = reference.Input.AsSpan(0, network.InputSize).ToArray();
        var before = network.Forward(instance, input);
        Profile(instance, input, 3);
        Assert.Equal(before, network.Forward(instance, input));
    }

    [Fact]
    public void Profile_runs_with_MaxDegreeOfParallelism_and_scales_the_peak_by_its_threads()
    {
        var (network, instance, reference) = Load("mnist_convnet");
        var input = reference.Input.AsSpan(0, network.InputSize).ToArray();
        var serial = network.Forward(instance, input);
        Assert.Equal(1, Profile(instance, input, 2).Threads);
        network.SetMaxDegreeOfParallelism(instance, 2);
        try
        {
            var profile = Profile(instance, input, 3);
            int threads = Math.Min(2, Environment.ProcessorCount);
            Assert.Equal(threads, profile.Threads);
            string table = profile.ToTable(peakGigaflops: 100);
            Assert.Contains(threads == 1 ? "one thread" : "up to 2 threads", table);
            // The total's "% of peak" is its GFLOP/s over 100 GFLOP/s per thread.
            string expected = (profile.GigaflopsPerSecond / (100.0 * threads)).ToString("P0", System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains(expected, table.Split('\n').Single(line => line.StartsWith("total", StringComparison.Ordinal)));
            Assert.Equal(serial, network.Forward(instance, input));
        }
        finally
        {
            network.SetMaxDegreeOfParallelism(instance, 1);
        }
    }

    [Fact]
    public void On_several_threads_the_pools_that_run_in_a_convolutions_chunks_are_timed_in_it()
    {
        var (network, instance, reference) = Load("cifar_vgg");
        var input = reference.Input.AsSpan(0, network.InputSize).ToArray();
        var pools = new[] { ("max_pooling2d", "conv2d_1"), ("max_pooling2d_1", "conv2d_3"), ("max_pooling2d_2", "conv2d_5") };

        // One thread: every pool has its own time.
        var serial = Profile(instance, input, 3).Layers.ToDictionary(l => l.Name);
        Assert.All(pools, pool => Assert.Null(serial[pool.Item1].RunsIn));
        Assert.All(pools, pool => Assert.True(serial[pool.Item1].Microseconds > 0));

        network.SetMaxDegreeOfParallelism(instance, 2);
        try
        {
            var profile = Profile(instance, input, 3);
            var layers = profile.Layers.ToDictionary(l => l.Name);
            foreach (var (pool, convolution) in pools)
            {
                Assert.Equal(convolution, layers[pool].RunsIn);
                Assert.Equal(1, layers[pool].Kernels);
                Assert.Equal(0, layers[pool].Microseconds);
                Assert.True(layers[convolution].Microseconds > 0);
            }
            Assert.Null(layers["conv2d_2"].RunsIn);
            string[] table = profile.ToTable().Split('\n');
            Assert.Contains(table, line => line.StartsWith("max_pooling2d_1", StringComparison.Ordinal) && line.Contains("in conv2d_3", StringComparison.Ordinal));
            Assert.Contains(profile.ToKernelTable().Split('\n'), line => line.Contains("in conv2d_5  max_pooling2d_2", StringComparison.Ordinal));
        }
        finally
        {
            network.SetMaxDegreeOfParallelism(instance, 1);
        }
    }

    [Fact]
    public void Bad_arguments_are_rejected_with_the_expected_sizes()
    {
        var (network, instance, _) = Load("mnist_convnet");
        var wrongSize = Assert.Throws<ArgumentException>(() => Profile(instance, new float[network.InputSize + 1], 1));
        Assert.Contains(network.InputSize.ToString(), wrongSize.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Profile(instance, new float[network.InputSize], 0));
    }
}
