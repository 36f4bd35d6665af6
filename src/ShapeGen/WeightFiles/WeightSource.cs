using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;

namespace ShapeGen.WeightFiles;

/// <summary>A weight file opened for matching: the tensors it describes, and their data on request.</summary>
internal abstract class WeightSource : IDisposable
{
    protected WeightSource(string? fileName) => FileName = fileName;

    public string? FileName { get; }

    /// <summary>The format, for messages: <c>safetensors</c>, <c>npz</c>, <c>Keras .weights.h5</c>.</summary>
    public abstract string Format { get; }

    public abstract IReadOnlyList<FoundTensor> Tensors { get; }

    /// <summary>Reads the tensor's elements, converted to float32, row-major; <paramref name="destination"/> holds exactly its count.</summary>
    public abstract void Read(FoundTensor tensor, Span<float> destination);

    public virtual void Dispose()
    {
    }

    /// <summary>A problem with the file itself (not with how it fits the network).</summary>
    protected WeightFileException Corrupt(string problem, string? tensor = null, Exception? inner = null)
        => new(FileName, tensor, new[] { problem }, inner);
}

/// <summary>Reads little- or big-endian elements of the accepted dtypes as float32.</summary>
internal static class ElementReader
{
    private const int ChunkBytes = 1 << 16;

    /// <exception cref="EndOfStreamException">The stream ends before the data does.</exception>
    public static void Read(Stream stream, string dtype, bool bigEndian, Span<float> destination)
    {
        if (dtype == WeightDTypes.Float32 && BitConverter.IsLittleEndian && !bigEndian)
        {
            stream.ReadExactly(MemoryMarshal.AsBytes(destination));
            return;
        }

        int size = WeightDTypes.Size(dtype);
        var buffer = new byte[(int)Math.Min(ChunkBytes, (long)destination.Length * size)];
        int done = 0;
        while (done < destination.Length)
        {
            int count = Math.Min(buffer.Length / size, destination.Length - done);
            var bytes = buffer.AsSpan(0, count * size);
            stream.ReadExactly(bytes);
            var target = destination.Slice(done, count);
            for (int i = 0; i < count; i++)
            {
                var element = bytes.Slice(i * size, size);
                target[i] = dtype switch
                {
                    WeightDTypes.Float32 => bigEndian ? BinaryPrimitives.ReadSingleBigEndian(element) : BinaryPrimitives.ReadSingleLittleEndian(element),
                    WeightDTypes.Float64 => (float)(bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(element) : BinaryPrimitives.ReadDoubleLittleEndian(element)),
                    WeightDTypes.Float16 => (float)(bigEndian ? BinaryPrimitives.ReadHalfBigEndian(element) : BinaryPrimitives.ReadHalfLittleEndian(element)),
                    // bfloat16 is the upper half of a float32.
                    _ => BitConverter.Int32BitsToSingle((bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(element) : BinaryPrimitives.ReadUInt16LittleEndian(element)) << 16),
                };
            }
            done += count;
        }
    }
}

/// <summary>Moves a row-major tensor's axes: destination axis i is source axis <c>permutation[i]</c>.</summary>
internal static class TensorLayout
{
    public static void Permute(ReadOnlySpan<float> source, int[] sourceShape, int[] permutation, Span<float> destination)
    {
        int rank = sourceShape.Length;
        var sourceStrides = new long[rank];
        long stride = 1;
        for (int k = rank - 1; k >= 0; k--)
        {
            sourceStrides[k] = stride;
            stride *= sourceShape[k];
        }
        var shape = new int[rank];
        var steps = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            shape[i] = sourceShape[permutation[i]];
            steps[i] = sourceStrides[permutation[i]];
        }

        var index = new int[rank];
        long from = 0;
        for (int to = 0; to < destination.Length; to++)
        {
            destination[to] = source[(int)from];
            // Advance the destination index (row-major), keeping the source offset in step.
            for (int axis = rank - 1; axis >= 0; axis--)
            {
                index[axis]++;
                from += steps[axis];
                if (index[axis] < shape[axis]) break;
                from -= steps[axis] * shape[axis];
                index[axis] = 0;
            }
        }
    }
}
