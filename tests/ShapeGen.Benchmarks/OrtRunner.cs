using Microsoft.ML.OnnxRuntime;

namespace ShapeGen.Benchmarks;

/// <summary>
/// One ONNX Runtime session set up for a fair comparison: one intra-op thread unless told otherwise (the parallel
/// benchmarks give it as many as ShapeGen gets), one inter-op thread, sequential execution, all graph optimizations,
/// and input/output <see cref="OrtValue"/>s created once over pinned arrays so that <see cref="Run"/> writes into
/// preallocated memory. The exported models fix their batch axis at 1; for another batch the model's input and output
/// batch dimension is rewritten in memory (<see cref="OnnxBatch"/>).
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

    public OrtRunner(string onnxPath, int[] kerasInputShape, float[] input, float[] output, int threads = 1, int batch = 1)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = batch == 1
            ? new InferenceSession(onnxPath, options)
            : new InferenceSession(OnnxBatch.WithBatch(File.ReadAllBytes(onnxPath), batch), options);

        // The exported graph is channels-last like Keras: [batch, h, w, c] (the batch axis may be symbolic).
        if (!_session.InputMetadata.TryGetValue("input", out NodeMetadata? meta))
            throw new InvalidDataException($"{onnxPath}: no input named 'input' (has {string.Join(", ", _session.InputMetadata.Keys)}).");
        long[] shape = [batch, .. kerasInputShape.Select(d => (long)d)];
        int[] dims = meta.Dimensions;
        if (dims.Length != shape.Length || Enumerable.Range(1, dims.Length - 1).Any(i => dims[i] != shape[i]) || (dims[0] != batch && dims[0] != -1))
            throw new InvalidDataException($"{onnxPath}: input dims [{string.Join(", ", dims)}], expected [{batch}, {string.Join(", ", kerasInputShape)}].");

        _outputNames = _session.OutputNames.ToArray();
        if (_outputNames.Length != 1)
            throw new InvalidDataException($"{onnxPath}: {_outputNames.Length} outputs, expected one.");
        int[] outDims = _session.OutputMetadata[_outputNames[0]].Dimensions;
        long[] outShape = [batch, .. outDims.Skip(1).Select(d => (long)d)];
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

/// <summary>
/// Sets the batch dimension of an ONNX model's graph inputs and outputs, in place in the serialized bytes. The
/// exporter (tools/oracle/onnx_export.js) writes a fixed batch of 1 as <c>dim_value: 1</c>, and its graphs are otherwise
/// batch-agnostic (Flatten on axis 1; none of the benchmark models has a Keras Reshape, whose target shape carries the
/// batch). A varint of 1 and a batch below 128 are both one byte, so no length changes and no message is re-encoded.
/// </summary>
public static class OnnxBatch
{
    public static byte[] WithBatch(byte[] model, int batch)
    {
        if (batch is < 1 or > 127) throw new ArgumentOutOfRangeException(nameof(batch), batch, "Only one-byte batch sizes (1 to 127) can be patched in place.");
        var bytes = (byte[])model.Clone();
        int patched = 0;
        // ModelProto.graph = 7; GraphProto.input = 11, output = 12; ValueInfoProto.type = 2; TypeProto.tensor_type = 1;
        // Tensor.shape = 2; TensorShapeProto.dim = 1 (the first is the batch); Dimension.dim_value = 1.
        foreach (var (graphStart, graphEnd) in Fields(bytes, 0, bytes.Length, 7))
        {
            foreach (int valueInfo in new[] { 11, 12 })
            {
                foreach (var (infoStart, infoEnd) in Fields(bytes, graphStart, graphEnd, valueInfo))
                foreach (var (typeStart, typeEnd) in Fields(bytes, infoStart, infoEnd, 2))
                foreach (var (tensorStart, tensorEnd) in Fields(bytes, typeStart, typeEnd, 1))
                foreach (var (shapeStart, shapeEnd) in Fields(bytes, tensorStart, tensorEnd, 2))
                {
                    var (dimStart, dimEnd) = Fields(bytes, shapeStart, shapeEnd, 1).First();
                    if (dimEnd - dimStart != 2 || bytes[dimStart] != 0x08 || bytes[dimStart + 1] != 1)
                        throw new InvalidDataException("The model's batch dimension is not a fixed dim_value of 1.");
                    bytes[dimStart + 1] = (byte)batch;
                    patched++;
                }
            }
        }
        if (patched < 2) throw new InvalidDataException($"Patched {patched} batch dimensions; expected the graph's input and output.");
        return bytes;
    }

    /// <summary>The payload ranges of the length-delimited fields numbered <paramref name="field"/> in a message.</summary>
    private static List<(int Start, int End)> Fields(byte[] bytes, int start, int end, int field)
    {
        var found = new List<(int, int)>();
        int position = start;
        while (position < end)
        {
            ulong key = Varint(bytes, ref position);
            int number = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0: Varint(bytes, ref position); break;
                case 1: position += 8; break;
                case 5: position += 4; break;
                case 2:
                    int length = checked((int)Varint(bytes, ref position));
                    if (number == field) found.Add((position, position + length));
                    position += length;
                    break;
                default: throw new InvalidDataException($"Unsupported protobuf wire type {wire}.");
            }
        }
        return found;
    }

    private static ulong Varint(byte[] bytes, ref int position)
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
    }
}
