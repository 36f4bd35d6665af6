using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace ShapeGen.Weights.Tests;

internal static class TestData
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Data");

    public static string File(string name) => Path.Combine(Directory, name);

    public static byte[] Bytes(string name) => System.IO.File.ReadAllBytes(File(name));

    public static float[] Floats(string name) => MemoryMarshal.Cast<byte, float>(Bytes(name)).ToArray();

    public static float[] Images => Floats("test_images.bin");

    public static byte[] Labels => Bytes("test_labels.bin");

    /// <summary>The digits network's outputs for the 540 test images.</summary>
    public static float[] Classify(DigitsNet network)
    {
        var images = Images;
        var outputs = new float[images.Length / DigitsNet.InputSize * DigitsNet.OutputSize];
        network.Forward(images, outputs, images.Length / DigitsNet.InputSize);
        return outputs;
    }

    public static int Correct(float[] outputs)
    {
        var labels = Labels;
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            var row = outputs.AsSpan(i * 10, 10);
            int best = 0;
            for (int c = 1; c < 10; c++) if (row[c] > row[best]) best = c;
            if (best == labels[i]) correct++;
        }
        return correct;
    }

    /// <summary>The Keras-named tensors of weights.safetensors, to build variants of it.</summary>
    public static Dictionary<string, (int[] Shape, float[] Values)> DigitsTensors()
    {
        var parameters = Floats("weights.bin");
        var result = new Dictionary<string, (int[], float[])>();
        foreach (var w in DigitsNet.Weights)
        {
            result[w.Name] = (w.Shape.ToArray(), parameters.AsSpan((int)w.Offset, (int)w.Count).ToArray());
        }
        return result;
    }
}

/// <summary>Writes safetensors and .npz files from tensors, for variants the fixtures do not cover.</summary>
internal static class Writers
{
    public static byte[] Safetensors(IEnumerable<(string Name, string DType, long[] Shape, byte[] Data)> tensors)
    {
        var header = new Dictionary<string, object>();
        var data = new MemoryStream();
        foreach (var (name, dtype, shape, bytes) in tensors)
        {
            header[name] = new Dictionary<string, object> { ["dtype"] = dtype, ["shape"] = shape, ["data_offsets"] = new[] { data.Length, data.Length + bytes.Length } };
            data.Write(bytes);
        }
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        var file = new MemoryStream();
        file.Write(BitConverter.GetBytes((ulong)json.Length));
        file.Write(json);
        file.Write(data.ToArray());
        return file.ToArray();
    }

    public static byte[] Safetensors(Dictionary<string, (int[] Shape, float[] Values)> tensors)
        => Safetensors(tensors.Select(t => (t.Key, "F32", t.Value.Shape.Select(d => (long)d).ToArray(), MemoryMarshal.AsBytes(t.Value.Values.AsSpan()).ToArray())));

    public static byte[] Npz(IEnumerable<(string Name, string Descr, int[] Shape, byte[] Data)> arrays)
    {
        var file = new MemoryStream();
        using (var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, descr, shape, data) in arrays)
            {
                string dims = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
                string header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {dims}, }}";
                header = header.PadRight(((header.Length + 11) / 64 + 1) * 64 - 11) + "\n";
                using var entry = zip.CreateEntry(name + ".npy").Open();
                entry.Write(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 });
                entry.Write(BitConverter.GetBytes((ushort)header.Length));
                entry.Write(Encoding.ASCII.GetBytes(header));
                entry.Write(data);
            }
        }
        return file.ToArray();
    }

    public static byte[] Npz(Dictionary<string, (int[] Shape, float[] Values)> tensors)
        => Npz(tensors.Select(t => (t.Key, "<f4", t.Value.Shape, MemoryMarshal.AsBytes(t.Value.Values.AsSpan()).ToArray())));
}
