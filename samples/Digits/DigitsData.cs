using System;
using System.IO;
using System.Runtime.InteropServices;

namespace ShapeGen.Samples.Digits;

/// <summary>The test set and reference outputs shipped with the sample (see data/digits.json).</summary>
public sealed class DigitsData
{
    public const int ImageCount = 540;
    public const int Classes = 10;

    private DigitsData(float[] images, byte[] labels, float[] pytorchProbabilities)
    {
        Images = images;
        Labels = labels;
        PyTorchProbabilities = pytorchProbabilities;
    }

    /// <summary>540 images of 8×8 pixels scaled to [0, 1], back to back.</summary>
    public float[] Images { get; }

    public byte[] Labels { get; }

    /// <summary>PyTorch's softmax output for each image, 540 × 10.</summary>
    public float[] PyTorchProbabilities { get; }

    public ReadOnlySpan<float> Image(int index) => Images.AsSpan(index * DigitsNet.InputSize, DigitsNet.InputSize);

    /// <summary>The test set; the weights are loaded by DigitsNet.Load / LoadPyTorch.</summary>
    public static DigitsData Load(string directory) => new(
        ReadFloats(Path.Combine(directory, "test_images.bin")),
        File.ReadAllBytes(Path.Combine(directory, "test_labels.bin")),
        ReadFloats(Path.Combine(directory, "test_probabilities.bin")));

    /// <summary>Raw float32 little-endian.</summary>
    public static float[] ReadFloats(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length % sizeof(float) != 0)
            throw new InvalidDataException($"{path}: {bytes.Length} bytes is not a whole number of float32 values.");
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    /// <summary>The index of the largest value.</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best]) best = i;
        }
        return best;
    }
}
