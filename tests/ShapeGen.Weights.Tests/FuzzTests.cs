using System;
using System.IO;
using ShapeGen.WeightFiles;

namespace ShapeGen.Weights.Tests;

/// <summary>
/// Damaged files: every truncation of small real files, and random byte flips. A load either succeeds (a flipped
/// byte inside the data is still a number) or throws <see cref="WeightFileException"/>: no other exception, no crash,
/// and no allocation out of proportion to the file.
/// </summary>
public class FuzzTests
{
    /// <summary>TinyNet has 47 parameters; nothing ShapeGen's own readers do needs more than this, whatever the header claims.</summary>
    private const long AllocationBudget = 4 << 20;

    /// <summary>
    /// Not bounded for .h5: PureHDF trusts sizes in a damaged file's metadata, and byte flips have made it allocate
    /// 268 MB (walking groups) and 1 GB (reading a dataset) before it failed with EndOfStreamException, which the
    /// loader turns into a WeightFileException. ShapeGen cannot bound PureHDF's allocations from outside; for .h5 the
    /// fuzz tests check only that every failure is a WeightFileException. Truncations stay within the 4 MB budget.
    /// </summary>
    private const long Hdf5AllocationBudget = long.MaxValue;

    public static TheoryData<string, bool> Files => new()
    {
        { "tiny.bin", false },
        { "tiny.npz", false },
        { "tiny_compressed.npz", false },
        { "tiny.safetensors", false },
        { "tiny_pytorch.safetensors", true },
        { "tiny.weights.h5", false },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void The_undamaged_files_load(string file, bool pyTorch)
    {
        var expected = TestData.Floats("tiny.bin");
        var loaded = Load(TestData.Bytes(file), file, pyTorch);
        Assert.NotNull(loaded);
        var outputs = new float[TinyNet.OutputSize];
        var input = new float[TinyNet.InputSize];
        for (int i = 0; i < input.Length; i++) input[i] = i / 16f;
        loaded!.Forward(input, outputs);
        var reference = new float[TinyNet.OutputSize];
        new TinyNet(expected).Forward(input, reference);
        DigitsFormatTests.AssertClose(reference, outputs, 1e-6f);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_truncation_fails_cleanly(string file, bool pyTorch)
    {
        var bytes = TestData.Bytes(file);
        for (int length = 0; length < bytes.Length; length++)
        {
            var cut = bytes.AsSpan(0, length).ToArray();
            // With the extension and without it (the format then comes from the first bytes).
            AssertCleanFailure(() => Load(cut, file, pyTorch), $"{file} cut to {length} bytes", TruncationBudget(file));
            AssertCleanFailure(() => Load(cut, null, pyTorch), $"{file} cut to {length} bytes, unnamed", TruncationBudget(file));
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Random_byte_flips_load_or_fail_cleanly(string file, bool pyTorch)
    {
        var original = TestData.Bytes(file);
        var random = new Random(file.Length * 7919);
        int iterations = file.EndsWith(".h5", StringComparison.Ordinal) ? 1500 : 3000;
        for (int i = 0; i < iterations; i++)
        {
            var damaged = original.AsSpan().ToArray();
            int flips = 1 + random.Next(4);
            for (int f = 0; f < flips; f++)
            {
                damaged[random.Next(damaged.Length)] ^= (byte)(1 << random.Next(8));
            }
            AssertLoadsOrFailsCleanly(() => Load(damaged, file, pyTorch), $"{file}, iteration {i}", Budget(file));
        }
    }

    private static TinyNet? Load(byte[] bytes, string? name, bool pyTorch)
        => pyTorch ? TinyNet.LoadPyTorch(new MemoryStream(bytes), fileName: name) : TinyNet.Load(new MemoryStream(bytes), name);

    private static long Budget(string file) => file.EndsWith(".h5", StringComparison.Ordinal) ? Hdf5AllocationBudget : AllocationBudget;

    private static long TruncationBudget(string file) => AllocationBudget;

    private static void AssertCleanFailure(Func<TinyNet?> load, string what, long budget)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var exception = Record.Exception(() => load());
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(exception is WeightFileException, $"{what}: expected WeightFileException, got {exception?.GetType().FullName ?? "success"}: {exception}");
        Assert.True(allocated < budget, $"{what}: allocated {allocated:N0} bytes");
    }

    private static void AssertLoadsOrFailsCleanly(Func<TinyNet?> load, string what, long budget)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var exception = Record.Exception(() => load());
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(exception is null or WeightFileException, $"{what}: {exception}");
        Assert.True(allocated < budget, $"{what}: allocated {allocated:N0} bytes");
    }
}
