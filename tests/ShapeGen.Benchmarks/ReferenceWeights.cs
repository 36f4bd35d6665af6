using System.Runtime.InteropServices;
using System.Text.Json;

namespace ShapeGen.Benchmarks;

/// <summary>
/// Turns a conformance case's <c>weights.bin</c> into the parameter order ShapeGen's constructors take.
/// </summary>
/// <remarks>
/// The oracle writes TF.js <c>model.getWeights()</c> order: every layer's trainable arrays first, then every
/// layer's non-trainable arrays (BatchNormalization's moving mean and variance). ShapeGen takes Keras
/// <c>model.get_weights()</c> order, layer by layer (gamma, beta, moving_mean, moving_variance). Walking the layers
/// of <c>summary.json</c>, each layer takes its trainable arrays from the front stream and its non-trainable arrays
/// from the back stream; <c>weightShapes</c> (the TF.js arrays in file order) checks that every cut falls on an
/// array boundary. Without non-trainable weights the two orders are the same.
/// </remarks>
public static class ReferenceWeights
{
    /// <summary>Reads <c>weights.bin</c> and <c>summary.json</c> from <paramref name="caseDirectory"/> and returns Keras-order parameters.</summary>
    public static float[] LoadKerasOrder(string caseDirectory)
    {
        float[] tfjs = ReadFloats(Path.Combine(caseDirectory, "weights.bin"));
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(caseDirectory, "summary.json")));
        return ToKerasOrder(tfjs, summary.RootElement);
    }

    /// <summary>Reorders TF.js <c>getWeights()</c> floats into Keras <c>get_weights()</c> order using a summary.json root.</summary>
    public static float[] ToKerasOrder(ReadOnlySpan<float> tfjs, JsonElement summary)
    {
        var arraySizes = new List<long>();
        foreach (JsonElement shape in summary.GetProperty("weightShapes").EnumerateArray())
        {
            long size = 1;
            foreach (JsonElement d in shape.EnumerateArray()) size *= d.GetInt64();
            arraySizes.Add(size);
        }

        long total = arraySizes.Sum();
        long trainableTotal = summary.GetProperty("trainableParams").GetInt64();
        if (total != tfjs.Length || total != summary.GetProperty("totalParams").GetInt64())
            throw new InvalidDataException($"weights.bin has {tfjs.Length} floats, weightShapes add up to {total}, totalParams is {summary.GetProperty("totalParams")}.");

        var result = new float[tfjs.Length];
        int written = 0;
        var front = new Stream(arraySizes, 0, 0);
        var back = new Stream(arraySizes, ArrayIndexAt(arraySizes, trainableTotal), trainableTotal);

        foreach (JsonElement layer in summary.GetProperty("layers").EnumerateArray())
        {
            long parameters = layer.GetProperty("params").GetInt64();
            long trainable = layer.GetProperty("trainable").GetInt64();
            string name = layer.GetProperty("name").GetString() ?? "?";
            written += front.Take(tfjs, result.AsSpan(written), trainable, name);
            written += back.Take(tfjs, result.AsSpan(written), parameters - trainable, name);
        }

        if (written != tfjs.Length || front.Offset != trainableTotal || back.Offset != total)
            throw new InvalidDataException($"The layers account for {written} of {tfjs.Length} weights.");
        return result;
    }

    /// <summary>Reads a little-endian float32 file.</summary>
    public static float[] ReadFloats(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length % sizeof(float) != 0)
            throw new InvalidDataException($"{path}: {bytes.Length} bytes is not a whole number of float32 values.");
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    private static int ArrayIndexAt(List<long> sizes, long offset)
    {
        long at = 0;
        for (int i = 0; i < sizes.Count; i++)
        {
            if (at == offset) return i;
            at += sizes[i];
        }
        if (at == offset) return sizes.Count;
        throw new InvalidDataException($"trainableParams ({offset}) does not fall on a weight array boundary.");
    }

    /// <summary>A cursor over the TF.js arrays that only ever moves by whole arrays.</summary>
    private sealed class Stream(List<long> sizes, int array, long offset)
    {
        public long Offset { get; private set; } = offset;

        public int Take(ReadOnlySpan<float> source, Span<float> destination, long count, string layer)
        {
            long taken = 0;
            while (taken < count)
            {
                if (array >= sizes.Count)
                    throw new InvalidDataException($"{layer}: ran out of weight arrays.");
                taken += sizes[array++];
            }
            if (taken != count)
                throw new InvalidDataException($"{layer}: {count} weights do not end on a weight array boundary.");
            source.Slice((int)Offset, (int)count).CopyTo(destination);
            Offset += count;
            return (int)count;
        }
    }
}
