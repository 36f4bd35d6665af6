using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace ShapeGen.WeightFiles;

/// <summary>
/// A <c>.safetensors</c> file: an 8-byte little-endian header length, a JSON header
/// <c>{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {...}}</c>,
/// then the data, offsets relative to its start. Every length is checked against the file before anything is allocated.
/// </summary>
internal sealed class SafetensorsSource : WeightSource
{
    /// <summary>The safetensors format's own limit on the header.</summary>
    internal const long MaxHeaderBytes = 100_000_000;

    private readonly Stream _stream;
    private readonly long _dataStart;
    private readonly List<FoundTensor> _tensors = new();

    public SafetensorsSource(Stream stream, string? fileName) : base(fileName)
    {
        _stream = stream;
        long length = stream.Length;
        if (length < 8) throw Corrupt($"{length} bytes is too short for a safetensors file (8-byte header length, then the header).");

        Span<byte> prefix = stackalloc byte[8];
        stream.Position = 0;
        stream.ReadExactly(prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)(length - 8))
            throw Corrupt($"the safetensors header length is {headerLength:N0} bytes, beyond the end of the file ({length:N0} bytes).");
        if (headerLength > MaxHeaderBytes)
            throw Corrupt($"the safetensors header length is {headerLength:N0} bytes, more than the format's limit of {MaxHeaderBytes:N0}.");

        var header = new byte[headerLength];
        stream.ReadExactly(header);
        _dataStart = 8 + (long)headerLength;
        Parse(header, length - _dataStart);
    }

    public override string Format => "safetensors";

    public override IReadOnlyList<FoundTensor> Tensors => _tensors;

    private void Parse(byte[] header, long dataLength)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw Corrupt($"the safetensors header is not valid JSON: {e.Message}", inner: e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw Corrupt($"the safetensors header is a JSON {document.RootElement.ValueKind}, not an object of tensors.");
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__") continue;
                if (!names.Add(property.Name)) throw Corrupt($"the safetensors header lists tensor '{property.Name}' twice.", property.Name);
                _tensors.Add(ParseTensor(property.Name, property.Value, dataLength));
            }
        }
    }

    private FoundTensor ParseTensor(string name, JsonElement value, long dataLength)
    {
        if (value.ValueKind != JsonValueKind.Object) throw Corrupt($"tensor '{name}': its header entry is not an object.", name);
        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw Corrupt($"tensor '{name}': the header gives no dtype.", name);
        if (!value.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw Corrupt($"tensor '{name}': the header gives no shape.", name);
        if (!value.TryGetProperty("data_offsets", out var offsetsElement) || offsetsElement.ValueKind != JsonValueKind.Array || offsetsElement.GetArrayLength() != 2)
            throw Corrupt($"tensor '{name}': the header gives no data_offsets [begin, end].", name);

        var shape = new long[shapeElement.GetArrayLength()];
        int axis = 0;
        foreach (var dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out long d) || d < 0 || d > int.MaxValue)
                throw Corrupt($"tensor '{name}': shape entry {dim} is not a dimension.", name);
            shape[axis++] = d;
        }

        var offsets = new long[2];
        int o = 0;
        foreach (var offset in offsetsElement.EnumerateArray())
        {
            if (offset.ValueKind != JsonValueKind.Number || !offset.TryGetInt64(out long at) || at < 0)
                throw Corrupt($"tensor '{name}': data offset {offset} is not a byte position.", name);
            offsets[o++] = at;
        }
        long begin = offsets[0], end = offsets[1];
        if (begin > end || end > dataLength)
            throw Corrupt($"tensor '{name}': its data [{begin:N0}, {end:N0}) lies outside the file's {dataLength:N0} data bytes (truncated?).", name);

        string dtype = DTypeName(dtypeElement.GetString()!);
        int size = ElementSize(dtype);
        if (size > 0)
        {
            long count;
            try
            {
                count = 1;
                foreach (long d in shape) count = checked(count * d);
                count = checked(count * size);
            }
            catch (OverflowException)
            {
                throw Corrupt($"tensor '{name}': shape {WeightText.Shape(shape)} is too large.", name);
            }
            if (end - begin != count)
                throw Corrupt($"tensor '{name}': {dtype} {WeightText.Shape(shape)} takes {count:N0} bytes, but its data_offsets span {end - begin:N0}.", name);
        }
        return new FoundTensor(name, dtype, shape, _dataStart + begin);
    }

    /// <summary>safetensors' dtype names in NumPy's spelling.</summary>
    private static string DTypeName(string dtype) => dtype switch
    {
        "F64" => WeightDTypes.Float64,
        "F32" => WeightDTypes.Float32,
        "F16" => WeightDTypes.Float16,
        "BF16" => WeightDTypes.BFloat16,
        "I64" => "int64",
        "I32" => "int32",
        "I16" => "int16",
        "I8" => "int8",
        "U64" => "uint64",
        "U32" => "uint32",
        "U16" => "uint16",
        "U8" => "uint8",
        "BOOL" => "bool",
        "F8_E4M3" => "float8_e4m3fn",
        "F8_E5M2" => "float8_e5m2",
        _ => dtype,
    };

    private static int ElementSize(string dtype) => dtype switch
    {
        "float64" or "int64" or "uint64" => 8,
        "float32" or "int32" or "uint32" => 4,
        "float16" or "bfloat16" or "int16" or "uint16" => 2,
        "int8" or "uint8" or "bool" or "float8_e4m3fn" or "float8_e5m2" => 1,
        _ => 0,
    };

    public override void Read(FoundTensor tensor, Span<float> destination)
    {
        _stream.Position = (long)tensor.Locator!;
        ElementReader.Read(_stream, tensor.DType, bigEndian: false, destination);
    }
}
