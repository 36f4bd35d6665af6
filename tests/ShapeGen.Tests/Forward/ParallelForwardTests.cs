using System.Text.RegularExpressions;
using ShapeGen.Runtime;
using ShapeGen.Tests.Conformance;
using ShapeGen.Tests.Infrastructure;

namespace ShapeGen.Tests.Forward;

/// <summary>
/// Networks made for the parallel paths: odd row counts, a depthwise convolution with a channel tail, an activation
/// pass after a split step, and a split step with only two rows (fewer than most thread counts).
/// </summary>
public sealed class ParallelNetworksFixture : IDisposable
{
    public const string Namespace = "ParallelTests";

    public static readonly NetworkSource OddRows = NetworkSource.Class(Namespace, "OddRows", new[]
    {
        "[Input(47, 41, 20)]",
        "[DepthwiseConv2D(3, Activation = Activation.Relu)]",            // 45×39×20: 315,900 multiply-adds, 45 rows, split
        "[Conv2D(16, 3, Padding.Same, Activation = Activation.Sigmoid)]", // 45×39×16: 5.05 M, split, sigmoid as a pass after it
        "[SeparableConv2D(24, 3, Padding.Same, Stride = 2)]",            // 23×20: both halves too small to split
        "[MaxPooling2D(2)]",
        "[Flatten]",
        "[Dense(7, Activation = Activation.Softmax)]",
    });

    public static readonly NetworkSource TwoRows = NetworkSource.Class(Namespace, "TwoRows", new[]
    {
        "[Input(4, 64, 32)]",
        "[Conv2D(64, 3, Activation = Activation.Relu)]", // 2×62×64: 2.29 M multiply-adds in 2 rows, split
        "[GlobalAveragePooling2D]",
        "[Dense(5)]",
    });

    public static readonly NetworkSource SplitPools = NetworkSource.Class(Namespace, "SplitPools", new[]
    {
        "[Input(33, 30, 16)]",
        "[Conv2D(32, 3, Padding.Same, Activation = Activation.Relu)]", // 33×30×32: 4.56 M multiply-adds, split
        "[MaxPooling2D(2, Padding.Same)]",                             // 127 KB in, 17 rows: split, written into the next frame
        "[Conv2D(48, 3, Padding.Same)]",                               // 17×15×48: 3.53 M, split
        "[AveragePooling2D(3, Padding.Same, Stride = 2)]",             // 48 KB in: on the caller
        "[Flatten]",
        "[Dense(3)]",
    });

    /// <summary>Pools that run in the chunks of the Winograd step before them (max after ReLU, average after linear).</summary>
    public static readonly NetworkSource PairedPools = NetworkSource.Class(Namespace, "PairedPools", new[]
    {
        "[Input(20, 20, 16)]",
        "[Conv2D(16, 3, Padding.Same)]",                               // from the input: direct, split
        "[Conv2D(64, 3, Padding.Same, Activation = Activation.Relu)]", // Winograd, 10 rows of tiles
        "[MaxPooling2D(2)]",                                           // 10 rows: row r reads tile row r
        "[Conv2D(64, 3, Padding.Same)]",                               // Winograd, 5 rows of tiles
        "[AveragePooling2D(2)]",                                       // 5 rows
        "[Flatten]",
        "[Dense(3)]",
    });

    public ParallelNetworksFixture()
    {
        Compiler = NetworkCompiler.Compile(new[] { OddRows, TwoRows, SplitPools, PairedPools }, "ShapeGen.ParallelTests", withRunners: true);
    }

    public NetworkCompiler Compiler { get; }

    public void Dispose() => Compiler.Dispose();
}

/// <summary>
/// <c>MaxDegreeOfParallelism</c>: every parallel path gives exactly the serial outputs (the row split never changes a
/// summation order), the setter validates, concurrent callers stay correct.
/// </summary>
public sealed class ParallelForwardTests : IClassFixture<ConformanceFixture>, IClassFixture<ParallelNetworksFixture>
{
    private readonly ConformanceFixture _conformance;
    private readonly ParallelNetworksFixture _parallel;

    public ParallelForwardTests(ConformanceFixture conformance, ParallelNetworksFixture parallel)
    {
        _conformance = conformance;
        _parallel = parallel;
    }

    public static IEnumerable<object[]> CasesAndDegrees =>
        ConformanceTests.CaseNames.SelectMany(name => new[] { 2, 3, 64 }.Select(degree => new object[] { name, degree }));

    public static IEnumerable<object[]> ParallelNetworks => new[] { "OddRows", "TwoRows", "SplitPools", "PairedPools" }.Select(n => new object[] { n });

    private (CompiledNetwork Network, object Instance) Conformance(string name)
    {
        var network = _conformance.Compiler[ConformanceFixture.Namespace + "." + ConformanceTests.Spec(name).GetProperty("name").GetString()];
        var reference = ReferenceRun.Read(TestData.PathOf("Conformance", name), network.Layers);
        return (network, network.Create(reference.Weights));
    }

    private (CompiledNetwork Network, object Instance) Parallel(string name)
    {
        var network = _parallel.Compiler[ParallelNetworksFixture.Namespace + "." + name];
        return (network, network.Create(Random(network.ParameterCount, seed: name.Length, scale: 0.2f)));
    }

    private static float[] Random(long count, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (long i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1) * scale;
        return values;
    }

    /// <summary>Single samples and batches at <paramref name="degree"/> against the same instance at degree 1.</summary>
    private static void AssertParallelEqualsSerial(CompiledNetwork network, object instance, int degree, string what)
    {
        const int batch = 5;
        var inputs = Random((long)batch * network.InputSize, seed: degree);
        var single = inputs.AsSpan(0, network.InputSize).ToArray();

        Assert.Equal(1, network.GetMaxDegreeOfParallelism(instance));
        var serialSingle = network.Forward(instance, single);
        var serialBatch = network.Forward(instance, inputs, batch);
        var serialOne = network.Forward(instance, single, 1);

        network.SetMaxDegreeOfParallelism(instance, degree);
        try
        {
            Assert.Equal(degree, network.GetMaxDegreeOfParallelism(instance));
            for (int round = 0; round < 3; round++)
            {
                // Bit for bit: Assert.Equal on float[] compares every element exactly.
                Assert.True(serialSingle.AsSpan().SequenceEqual(network.Forward(instance, single)), $"{what}: single sample at degree {degree}, round {round}");
                Assert.True(serialBatch.AsSpan().SequenceEqual(network.Forward(instance, inputs, batch)), $"{what}: batch of {batch} at degree {degree}, round {round}");
                Assert.True(serialOne.AsSpan().SequenceEqual(network.Forward(instance, single, 1)), $"{what}: batch of 1 at degree {degree}, round {round}");
                Assert.Empty(network.Forward(instance, Array.Empty<float>(), 0));
            }
        }
        finally
        {
            network.SetMaxDegreeOfParallelism(instance, 1);
        }
    }

    [Theory]
    [MemberData(nameof(CasesAndDegrees))]
    public void Conformance_networks_give_the_serial_outputs_bit_for_bit(string name, int degree)
    {
        var (network, instance) = Conformance(name);
        AssertParallelEqualsSerial(network, instance, degree, name);
    }

    [Theory]
    [MemberData(nameof(ParallelNetworks))]
    public void Odd_rows_depthwise_pooling_and_two_row_networks_give_the_serial_outputs_bit_for_bit(string name)
    {
        var (network, instance) = Parallel(name);
        foreach (int degree in new[] { 2, 3, 4, 7, 1000 }) AssertParallelEqualsSerial(network, instance, degree, name);
    }

    [Fact]
    public void Only_large_convolutions_the_large_pools_between_them_and_large_Dense_layers_are_split()
    {
        // Each split step appears once per vector width (512, 256, 128) in Run and again in Profile, with its row count.
        string oddRows = _parallel.Compiler.GeneratedSource(ParallelNetworksFixture.Namespace + ".OddRows")!;
        Assert.Equal(Enumerable.Repeat(45, 12), SplitRows(oddRows).Select(split => split.Rows)); // the depthwise and the convolution
        Assert.Contains("Sigmoid", oddRows); // the activation pass after the split convolution runs on the caller

        string twoRows = _parallel.Compiler.GeneratedSource(ParallelNetworksFixture.Namespace + ".TwoRows")!;
        Assert.Equal(Enumerable.Repeat(2, 6), SplitRows(twoRows).Select(split => split.Rows));

        // The 127 KB max pool is split (17 rows) and clears only its own rows' part of the next layer's padding frame;
        // the 48 KB average pool is not.
        string pools = _parallel.Compiler.GeneratedSource(ParallelNetworksFixture.Namespace + ".SplitPools")!;
        Assert.Equal(new[] { 33, 17, 17 }, SplitRows(pools).Select(split => split.Rows).Take(3));
        Assert.Equal(18, SplitRows(pools).Length);
        Assert.Contains("if (rowStart == 0) global::System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref destination", pools);

        // Both pools run in the chunks of the Winograd step before them, and write a buffer that step does not read
        // (step 0 is the first convolution, which reads the caller's input with its padding in place).
        string paired = _parallel.Compiler.GeneratedSource(ParallelNetworksFixture.Namespace + ".PairedPools")!;
        Assert.Equal(new[] { "Step1_Winograd_512 + Step2_Pool_512", "Step3_Winograd_512 + Step4_Pool_512" }, PairedSteps(paired));
        Assert.Equal(new[] { 20, 10, 5 }, SplitRows(paired).Select(split => split.Rows).Take(3));
        // The property's docs list them with the split layers (the 25 KB average pool would not be split on its own).
        Assert.Matches(@"/// <para>In this network: conv2d, conv2d_1, max_pooling2d, conv2d_2, average_pooling2d, ", paired);

        // CifarVgg: its six 3×3 convolutions (the first by output rows, the five Winograd ones by rows of 2×2 tiles, one
        // range per thread, since each range streams the whole transformed kernel), the three max pools after Winograd
        // steps running in those steps' chunks (pool row r reads what tile row r wrote: one fork-join for both), and the
        // 4096 → 256 Dense layer in two parts of 128 filters, one per thread, each part's weights contiguous (a thread
        // reading every other half-row would have the prefetchers fetch all 4 MB); not the 256 → 10 one. (Step 0, the
        // first convolution, reads the caller's input with its zero padding in place: no copy step before it.)
        var cifar = _conformance.Compiler[ConformanceFixture.Namespace + ".CifarVgg"];
        string cifarSource = _conformance.Compiler.GeneratedSource(cifar.Type.FullName!)!;
        var splits = SplitRows(cifarSource);
        Assert.Equal(new[] { 32, 16, 8, 8, 4, 4, 2 }, splits.Take(7).Select(split => split.Rows));
        Assert.Equal(new int?[] { null, 1, 1, 1, 1, 1, 1 }, splits.Take(7).Select(split => split.ChunksPerThread));
        Assert.Equal(42, splits.Length);
        Assert.Equal(new[] { "Step1_Winograd_512 + Step2_Pool_512", "Step4_Winograd_512 + Step5_Pool_512", "Step7_Winograd_512 + Step8_Pool_512" }, PairedSteps(cifarSource));
        Assert.Contains("const int Parts = 2; // the range: parts of 128 filters", cifarSource);
        Assert.Matches(@"BlockColumns\(packed\.Slice\(\d+, 1048576\), 4096, 256, 128\); // dense kernel in blocks of 128 filters", cifarSource);
    }

    /// <summary>The 512-bit step pairs that one fork-join runs together (a step, then the pool after it, on each chunk).</summary>
    private static string[] PairedSteps(string source) => Regex
        .Matches(source, @"=> (Step\d+_\w+_512)\(ref rowSource, ref rowDestination, ref rowWeights, rowStart, rowEnd\), \(ref float rowSource, ref float rowDestination, ref float rowWeights, int rowStart, int rowEnd\) => (Step\d+_Pool_512)\(")
        .Select(m => m.Groups[1].Value + " + " + m.Groups[2].Value)
        .Distinct()
        .ToArray();

    private static (int Rows, int? ChunksPerThread)[] SplitRows(string source) => Regex
        .Matches(source, @"WorkSplitter\.SplitRows\(degree, (\d+), (?:chunksPerThread: (\d+), )?\(ref float rowSource")
        .Select(m => (int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            m.Groups[2].Success ? int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : (int?)null))
        .ToArray();

    [Fact]
    public void MaxDegreeOfParallelism_defaults_to_1_and_rejects_values_below_1()
    {
        var (network, instance) = Parallel("TwoRows");
        Assert.Equal(1, network.GetMaxDegreeOfParallelism(instance));
        foreach (int bad in new[] { 0, -1, int.MinValue })
        {
            var exception = Assert.Throws<ArgumentOutOfRangeException>(() => network.SetMaxDegreeOfParallelism(instance, bad));
            Assert.Equal("value", exception.ParamName);
            Assert.Equal(1, network.GetMaxDegreeOfParallelism(instance));
        }
        network.SetMaxDegreeOfParallelism(instance, int.MaxValue); // more than the machine has: allowed, uses every core
        Assert.Equal(int.MaxValue, network.GetMaxDegreeOfParallelism(instance));
        Assert.Equal(Environment.ProcessorCount, WorkSplitter.EffectiveDegree(int.MaxValue));
        Assert.Equal(1, WorkSplitter.EffectiveDegree(1));
    }

    [Theory]
    [InlineData("OddRows")]
    [InlineData("TwoRows")]
    [InlineData("cifar_vgg")]
    public void Concurrent_parallel_callers_on_one_instance_give_the_serial_results(string name)
    {
        var (network, instance) = name == "cifar_vgg" ? Conformance(name) : Parallel(name);
        const int samples = 12, batch = 3;
        var inputs = Enumerable.Range(0, samples).Select(s => Random(network.InputSize, seed: 100 + s)).ToArray();
        var batchInput = inputs.Take(batch).SelectMany(x => x).ToArray();
        var serial = inputs.Select(input => network.Forward(instance, input)).ToArray();
        var serialBatch = network.Forward(instance, batchInput, batch);

        network.SetMaxDegreeOfParallelism(instance, 2);
        using var start = new Barrier(4);
        var mismatches = new System.Collections.Concurrent.ConcurrentBag<string>();
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                for (int round = 0; round < 4; round++)
                {
                    for (int s = 0; s < samples; s++)
                    {
                        if (!serial[s].AsSpan().SequenceEqual(network.Forward(instance, inputs[s]))) mismatches.Add($"thread {t}, round {round}, sample {s}");
                    }
                    if (!serialBatch.AsSpan().SequenceEqual(network.Forward(instance, batchInput, batch))) mismatches.Add($"thread {t}, round {round}, batch");
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
    }
}

/// <summary>
/// The parallel paths allocate nothing after warm-up, on the calling thread or on the helper threads. The helper
/// threads are shared by the whole process, so this collection runs alone.
/// </summary>
[CollectionDefinition(nameof(ParallelAllocationCollection), DisableParallelization = true)]
public sealed class ParallelAllocationCollection : ICollectionFixture<ConformanceFixture>
{
}

[Collection(nameof(ParallelAllocationCollection))]
public sealed class ParallelAllocationTests
{
    private readonly ConformanceFixture _fixture;

    public ParallelAllocationTests(ConformanceFixture fixture) => _fixture = fixture;

    [Theory]
    [InlineData("cifar_vgg")]
    [InlineData("mobilenet_96")]
    [InlineData("unet_small")]
    public void Parallel_single_sample_and_batch_forward_allocate_nothing_after_warm_up(string name)
    {
        var network = _fixture.Compiler[ConformanceFixture.Namespace + "." + ConformanceTests.Spec(name).GetProperty("name").GetString()];
        var reference = ReferenceRun.Read(TestData.PathOf("Conformance", name), network.Layers);
        var instance = network.Create(reference.Weights);
        network.SetMaxDegreeOfParallelism(instance, 2);
        const int batch = 4;
        var input = reference.Input.AsSpan(0, network.InputSize).ToArray();
        var inputs = Enumerable.Repeat(input, batch).SelectMany(x => x).ToArray();
        var output = new float[network.OutputSize];
        var outputs = new float[network.OutputSize * batch];
        void Round()
        {
            for (int i = 0; i < 5; i++)
            {
                network.ForwardInto(instance, input, output);
                network.ForwardInto(instance, inputs, outputs, batch);
            }
        }

        // Warm-up: JIT, the lambdas' cached delegates, the helper threads, this thread's job and every thread's
        // workspace. A helper allocates its workspace (and its thread-static storage) the first time it runs one of
        // this network's samples, whenever that is, so warm up until rounds in which helpers took part no longer
        // change what they allocated.
        int quietRounds = 0;
        for (int round = 0; round < 200 && quietRounds < 5; round++)
        {
            Thread.Sleep(10); // the helpers post their counts after each job
            long bytes = WorkSplitter.HelperAllocatedBytes, chunks = WorkSplitter.HelperChunks;
            Round();
            Thread.Sleep(10);
            if (WorkSplitter.HelperAllocatedBytes != bytes) quietRounds = 0;
            else if (WorkSplitter.HelperChunks != chunks) quietRounds++;
        }

        // Measure until a window in which the helpers took part (on a busy machine they may wake too late for some).
        bool helped = false;
        for (int window = 0; window < 20 && !helped; window++)
        {
            Thread.Sleep(20);
            long helpersBefore = WorkSplitter.HelperAllocatedBytes, helperChunksBefore = WorkSplitter.HelperChunks;
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 4; i++) Round();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Thread.Sleep(20);
            Assert.Equal(0, allocated);
            Assert.Equal(0, WorkSplitter.HelperAllocatedBytes - helpersBefore);
            helped = WorkSplitter.HelperChunks > helperChunksBefore;
        }
        if (Environment.ProcessorCount > 1) Assert.True(helped, "no helper thread took part in 20 windows of 40 parallel calls");
    }
}

/// <summary>The runtime's fork-join on its own: coverage of the range, helpers taking part, exceptions, nesting.</summary>
public sealed class WorkSplitterTests
{
    private static float s_dummy;

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(2, 2)]
    [InlineData(2, 7)]
    [InlineData(3, 45)]
    [InlineData(64, 5)]
    [InlineData(2, 1000)]
    public void Every_index_is_run_exactly_once(int degree, int count)
    {
        foreach (bool samples in new[] { false, true })
        {
            var hits = new int[count];
            var empty = 0;
            var widest = 0;
            for (int round = 0; round < 20; round++)
            {
                Array.Clear(hits);
                RangeKernel kernel = (ref float _, ref float _, ref float _, int start, int end) =>
                {
                    if (start >= end) Interlocked.Increment(ref empty); // empty ranges are never handed out
                    InterlockedMax(ref widest, end - start);
                    for (int i = start; i < end; i++) Interlocked.Increment(ref hits[i]);
                };
                if (samples) WorkSplitter.SplitSamples(degree, count, kernel, ref s_dummy, ref s_dummy, ref s_dummy);
                else WorkSplitter.SplitRows(degree, count, kernel, ref s_dummy, ref s_dummy, ref s_dummy);
                Assert.All(hits, h => Assert.Equal(1, h));
            }
            Assert.Equal(0, empty);
            int threads = Math.Min(WorkSplitter.EffectiveDegree(degree), count);
            int expectedWidest = threads <= 1 ? count
                : samples ? 1
                : (count + Math.Min(count, threads * WorkSplitter.ChunksPerThread) - 1) / Math.Min(count, threads * WorkSplitter.ChunksPerThread);
            Assert.Equal(expectedWidest, widest);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }

    [Theory]
    [InlineData(2, 8)]
    [InlineData(2, 7)]
    [InlineData(3, 45)]
    public void One_chunk_per_thread_runs_every_row_once_in_one_range_per_thread(int degree, int rows)
    {
        int threads = Math.Min(WorkSplitter.EffectiveDegree(degree), rows);
        for (int round = 0; round < 20; round++)
        {
            var hits = new int[rows];
            int ranges = 0;
            WorkSplitter.SplitRows(degree, rows, chunksPerThread: 1, (ref float _, ref float _, ref float _, int start, int end) =>
            {
                Interlocked.Increment(ref ranges);
                for (int i = start; i < end; i++) Interlocked.Increment(ref hits[i]);
            }, ref s_dummy, ref s_dummy, ref s_dummy);
            Assert.All(hits, h => Assert.Equal(1, h));
            Assert.Equal(threads, ranges);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => WorkSplitter.SplitRows(2, 8, chunksPerThread: 0,
            (ref float _, ref float _, ref float _, int _, int _) => { }, ref s_dummy, ref s_dummy, ref s_dummy));
    }

    [Theory]
    [InlineData(1, 16, 1)]
    [InlineData(2, 16, 1)]
    [InlineData(2, 7, 4)]
    [InlineData(3, 45, 4)]
    [InlineData(64, 5, 1)]
    public void Paired_kernels_run_the_second_on_each_range_right_after_the_first_on_the_same_thread(int degree, int rows, int chunksPerThread)
    {
        float[] source = { 1 }, middle = { 2 }, destination = { 3 }, weights = { 4 };
        for (int round = 0; round < 20; round++)
        {
            var first = new int[rows];
            var second = new int[rows];
            var ranges = new System.Collections.Concurrent.ConcurrentDictionary<(int, int), int>();
            int wrongBuffers = 0, secondBeforeFirst = 0;
            WorkSplitter.SplitRows(degree, rows, chunksPerThread, (ref float s, ref float d, ref float w, int start, int end) =>
            {
                if (s != 1 || d != 2 || w != 4) Interlocked.Increment(ref wrongBuffers); // source → middle
                ranges[(start, end)] = Environment.CurrentManagedThreadId;
                for (int i = start; i < end; i++) Interlocked.Increment(ref first[i]);
            }, (ref float s, ref float d, ref float w, int start, int end) =>
            {
                if (s != 2 || d != 3 || w != 4) Interlocked.Increment(ref wrongBuffers); // middle → destination
                // The same range, on the thread that ran it, after every row of it.
                if (!ranges.TryGetValue((start, end), out int thread) || thread != Environment.CurrentManagedThreadId) Interlocked.Increment(ref secondBeforeFirst);
                for (int i = start; i < end; i++)
                {
                    if (Volatile.Read(ref first[i]) != 1) Interlocked.Increment(ref secondBeforeFirst);
                    Interlocked.Increment(ref second[i]);
                }
            }, ref source[0], ref middle[0], ref destination[0], ref weights[0]);
            Assert.All(first, h => Assert.Equal(1, h));
            Assert.All(second, h => Assert.Equal(1, h));
            Assert.Equal(0, wrongBuffers);
            Assert.Equal(0, secondBeforeFirst);
            Assert.Equal(Math.Min(rows, Math.Min(WorkSplitter.EffectiveDegree(degree), rows) * chunksPerThread), ranges.Count);
        }
        Assert.Throws<ArgumentNullException>(() => WorkSplitter.SplitRows(2, 8, 1, (ref float _, ref float _, ref float _, int _, int _) => { }, null!,
            ref source[0], ref middle[0], ref destination[0], ref weights[0]));
    }

    [Theory]
    [InlineData(2, 32, 8)]
    [InlineData(2, 11, 8)]
    [InlineData(2, 5, 8)]
    [InlineData(3, 45, 4)]
    public void Samples_in_chunks_run_every_sample_once_in_about_that_many_per_chunk(int degree, int samples, int perChunk)
    {
        int chunks = (samples + perChunk - 1) / perChunk;
        for (int round = 0; round < 20; round++)
        {
            var hits = new int[samples];
            int ranges = 0, widest = 0;
            WorkSplitter.SplitSamples(degree, samples, samplesPerChunk: perChunk, (ref float _, ref float _, ref float _, int start, int end) =>
            {
                Interlocked.Increment(ref ranges);
                InterlockedMax(ref widest, end - start);
                for (int i = start; i < end; i++) Interlocked.Increment(ref hits[i]);
            }, ref s_dummy, ref s_dummy, ref s_dummy);
            Assert.All(hits, h => Assert.Equal(1, h));
            Assert.Equal(Math.Min(WorkSplitter.EffectiveDegree(degree), chunks) == 1 ? 1 : chunks, ranges);
            Assert.True(widest <= (samples + chunks - 1) / chunks);
        }
    }

    [Fact]
    public void The_caller_runs_the_first_rows_of_every_layer()
    {
        // Home segments: the caller claims the front of its own share first (helpers steal from the back), so the same
        // rows stay on the same thread layer after layer and each layer reads what its own core wrote.
        int caller = Environment.CurrentManagedThreadId;
        for (int round = 0; round < 20; round++)
        {
            int firstRowThread = 0;
            WorkSplitter.SplitRows(2, 8, (ref float _, ref float _, ref float _, int start, int _) =>
            {
                if (start == 0) Volatile.Write(ref firstRowThread, Environment.CurrentManagedThreadId);
                Thread.SpinWait(20_000);
            }, ref s_dummy, ref s_dummy, ref s_dummy);
            Assert.Equal(caller, firstRowThread);
        }
    }

    [Fact]
    public void Zero_count_runs_nothing()
    {
        WorkSplitter.SplitRows(2, 0, (ref float _, ref float _, ref float _, int _, int _) => throw new InvalidOperationException(), ref s_dummy, ref s_dummy, ref s_dummy);
    }

    [Fact]
    public void The_references_reach_every_thread()
    {
        var source = Enumerable.Range(0, 64).Select(i => (float)i).ToArray();
        var destination = new float[64];
        var weights = new[] { 2f };
        WorkSplitter.SplitRows(2, 64, (ref float s, ref float d, ref float w, int start, int end) =>
        {
            for (int i = start; i < end; i++) System.Runtime.CompilerServices.Unsafe.Add(ref d, i) = System.Runtime.CompilerServices.Unsafe.Add(ref s, i) * w;
        }, ref source[0], ref destination[0], ref weights[0]);
        Assert.Equal(source.Select(x => x * 2), destination);
    }

    [Fact]
    public void Helper_threads_take_part()
    {
        if (Environment.ProcessorCount < 2) return; // nothing to share
        int caller = Environment.CurrentManagedThreadId;
        var others = 0;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Volatile.Read(ref others) == 0 && DateTime.UtcNow < deadline)
        {
            WorkSplitter.SplitRows(2, 8, (ref float _, ref float _, ref float _, int _, int _) =>
            {
                if (Environment.CurrentManagedThreadId != caller) Interlocked.Increment(ref others);
                Thread.SpinWait(20_000);
            }, ref s_dummy, ref s_dummy, ref s_dummy);
        }
        Assert.True(others > 0, "no chunk ran on a helper thread in 10 seconds");
    }

    [Fact]
    public void An_exception_in_any_chunk_reaches_the_caller_after_every_chunk_finished()
    {
        for (int round = 0; round < 50; round++)
        {
            int running = 0, finished = 0;
            int failing = round % 8;
            var exception = Assert.Throws<InvalidOperationException>(() => WorkSplitter.SplitRows(2, 8, (ref float _, ref float _, ref float _, int start, int _) =>
            {
                Interlocked.Increment(ref running);
                Thread.SpinWait(2_000);
                Interlocked.Increment(ref finished);
                if (start == failing) throw new InvalidOperationException("chunk " + start);
            }, ref s_dummy, ref s_dummy, ref s_dummy));
            Assert.Equal("chunk " + failing, exception.Message);
            Assert.Equal(8, Volatile.Read(ref running));
            Assert.Equal(8, Volatile.Read(ref finished));
        }
        // Still usable afterwards.
        Every_index_is_run_exactly_once(2, 9);
    }

    [Fact]
    public void A_nested_call_runs_inline()
    {
        var hits = new int[4 * 6];
        WorkSplitter.SplitRows(2, 4, (ref float _, ref float _, ref float _, int start, int end) =>
        {
            for (int outer = start; outer < end; outer++)
            {
                int row = outer;
                WorkSplitter.SplitRows(2, 6, (ref float _, ref float _, ref float _, int innerStart, int innerEnd) =>
                {
                    for (int inner = innerStart; inner < innerEnd; inner++) Interlocked.Increment(ref hits[row * 6 + inner]);
                }, ref s_dummy, ref s_dummy, ref s_dummy);
            }
        }, ref s_dummy, ref s_dummy, ref s_dummy);
        Assert.All(hits, h => Assert.Equal(1, h));
    }
}
