using BenchmarkDotNet.Attributes;
using ShapeGen.Runtime;

namespace ShapeGen.Benchmarks;

/// <summary>
/// CifarVgg on two threads. Batch 1: ShapeGen with <c>MaxDegreeOfParallelism</c> 1 (the baseline) and 2, and ONNX
/// Runtime with 2 intra-op threads. Batch 32: ShapeGen (2 threads and 1) against ONNX Runtime with 2 intra-op threads
/// (and 1) on one batch-32 run. Batch-32 methods declare <c>OperationsPerInvoke = 32</c>, so every time is per sample
/// and the Ratio column compares throughput directly.
/// </summary>
[BenchmarkCategory(Category)]
public class CifarVggParallelBenchmark
{
    public const string Category = "cifar_vgg_parallel";
    public const int Batch = 32;

    private CifarVgg _one = null!, _two = null!;
    private OrtRunner? _ort2, _ortBatch1, _ortBatch2;
    private float[] _input = [], _output = [], _inputs = [], _outputs = [];
    private float[] _ortOutput = [], _ortOutputs = [], _ortOutputs1 = [];

    [GlobalSetup]
    public void Setup()
    {
        ModelData data = ModelData.Load(Models.Get("cifar_vgg"));
        _input = data.Input;
        _output = new float[CifarVgg.OutputSize];
        _inputs = Enumerable.Range(0, Batch).SelectMany(b => data.Input.Select((x, i) => x + 0.001f * ((b + i) % 7))).ToArray();
        _outputs = new float[CifarVgg.OutputSize * Batch];
        _one = new CifarVgg(data.Parameters);
        _two = new CifarVgg(data.Parameters) { MaxDegreeOfParallelism = 2 };

        _ortOutput = new float[CifarVgg.OutputSize];
        _ortOutputs = new float[CifarVgg.OutputSize * Batch];
        _ortOutputs1 = new float[CifarVgg.OutputSize * Batch];
        _ort2 = new OrtRunner(data.OnnxPath, data.InputShape, _input, _ortOutput, threads: 2);
        _ortBatch2 = new OrtRunner(data.OnnxPath, data.InputShape, _inputs, _ortOutputs, threads: 2, batch: Batch);
        _ortBatch1 = new OrtRunner(data.OnnxPath, data.InputShape, _inputs, _ortOutputs1, threads: 1, batch: Batch);

        // Same answers before timing: ShapeGen's parallel paths bit for bit, ONNX Runtime's batch within tolerance.
        var serial = new float[_outputs.Length];
        _one.Forward(_inputs, serial, Batch);
        _two.Forward(_inputs, _outputs, Batch);
        if (!serial.AsSpan().SequenceEqual(_outputs)) throw new InvalidOperationException("ShapeGen batch on 2 threads differs from 1 thread.");
        var single = new float[CifarVgg.OutputSize];
        _one.Forward(_input, single);
        _two.Forward(_input, _output);
        if (!single.AsSpan().SequenceEqual(_output)) throw new InvalidOperationException("ShapeGen batch 1 on 2 threads differs from 1 thread.");
        _ortBatch2.Run();
        _ortBatch1.Run();
        foreach (float[] ort in new[] { _ortOutputs, _ortOutputs1 })
        {
            Verification.MaxError(ort, serial, out string? failure);
            if (failure is not null) throw new InvalidOperationException("ONNX Runtime batch 32 disagrees with ShapeGen: " + failure);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ort2?.Dispose();
        _ortBatch1?.Dispose();
        _ortBatch2?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void ShapeGen_Batch1_1Thread() => _one.Forward(_input, _output);

    [Benchmark]
    public void ShapeGen_Batch1_2Threads() => _two.Forward(_input, _output);

    [Benchmark]
    public void OnnxRuntime_Batch1_2Threads() => _ort2!.Run();

    [Benchmark(OperationsPerInvoke = Batch)]
    public void ShapeGen_Batch32_1Thread() => _one.Forward(_inputs, _outputs, Batch);

    [Benchmark(OperationsPerInvoke = Batch)]
    public void ShapeGen_Batch32_2Threads() => _two.Forward(_inputs, _outputs, Batch);

    [Benchmark(OperationsPerInvoke = Batch)]
    public void OnnxRuntime_Batch32_1Thread() => _ortBatch1!.Run();

    [Benchmark(OperationsPerInvoke = Batch)]
    public void OnnxRuntime_Batch32_2Threads() => _ortBatch2!.Run();
}

/// <summary>
/// The cost of one fork-join through <see cref="WorkSplitter"/> with an empty kernel: 8 chunks (2 threads × 4) on 2
/// threads against the same call on 1 thread. The helper is awake here (calls come back to back); the cold case, a
/// helper that has gone to sleep, is measured by <c>--fork-join</c> (<see cref="ForkJoinLatency"/>).
/// </summary>
[BenchmarkCategory("fork_join_parallel")]
public class ForkJoinParallelBenchmark
{
    private static float s_dummy;
    private static readonly RangeKernel Empty = (ref float _, ref float _, ref float _, int _, int _) => { };

    [Benchmark(Baseline = true)]
    public void OneThread() => WorkSplitter.SplitRows(1, 8, Empty, ref s_dummy, ref s_dummy, ref s_dummy);

    [Benchmark]
    public void TwoThreads() => WorkSplitter.SplitRows(2, 8, Empty, ref s_dummy, ref s_dummy, ref s_dummy);
}
