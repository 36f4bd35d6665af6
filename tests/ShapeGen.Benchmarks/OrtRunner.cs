using Microsoft.ML.OnnxRuntime;

namespace ShapeGen.Benchmarks;

/// <summary>
/// One ONNX Runtime session set up for a fair batch-1 comparison: one intra-op and one inter-op thread, sequential
/// execution, all graph optimizations, and input/output <see cref="OrtValue"/>s created once over pinned arrays so
/// that <see cref="Run"/> writes into preallocated memory.
/// </summary>
public sealed class OrtRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue _inputValue;
    private readonly OrtValue[] _inputValues;
    private readonly OrtValue[] _outputValues;
    private readonly string[] _inputNames = ["input"];
    private readonly string[] _outputNames;

    public OrtRunner(string onnxPath, int[] kerasInputShape, float[] input, float[] output)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(onnxPath, options);

        // The exported graph is channels-last like Keras: [batch, h, w, c] (the batch axis may be symbolic).
        if (!_session.InputMetadata.TryGetValue("input", out NodeMetadata? meta))
            throw new InvalidDataException($"{onnxPath}: no input named 'input' (has {string.Join(", ", _session.InputMetadata.Keys)}).");
        long[] shape = [1, .. kerasInputShape.Select(d => (long)d)];
        int[] dims = meta.Dimensions;
        if (dims.Length != shape.Length || Enumerable.Range(1, dims.Length - 1).Any(i => dims[i] != shape[i]) || dims[0] is not (1 or -1))
            throw new InvalidDataException($"{onnxPath}: input dims [{string.Join(", ", dims)}], expected [batch, {string.Join(", ", kerasInputShape)}].");

        _outputNames = _session.OutputNames.ToArray();
        if (_outputNames.Length != 1)
            throw new InvalidDataException($"{onnxPath}: {_outputNames.Length} outputs, expected one.");
        int[] outDims = _session.OutputMetadata[_outputNames[0]].Dimensions;
        long[] outShape = [1, .. outDims.Skip(1).Select(d => (long)d)];
        if (outShape.Aggregate(1L, (a, b) => a * b) != output.Length)
            throw new InvalidDataException($"{onnxPath}: output dims [{string.Join(", ", outDims)}] do not hold {output.Length} floats.");

        _inputValue = OrtValue.CreateTensorValueFromMemory(input, shape);
        _inputValues = [_inputValue];
        _outputValues = [OrtValue.CreateTensorValueFromMemory(output, outShape)];
    }

    /// <summary>One inference: reads the input array, writes the output array.</summary>
    public void Run() => _session.Run(_runOptions, _inputNames, _inputValues, _outputNames, _outputValues);

    public void Dispose()
    {
        foreach (OrtValue v in _outputValues) v.Dispose();
        _inputValue.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
