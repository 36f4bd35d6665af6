using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace ShapeGen.WeightFiles;

/// <summary>
/// A NumPy <c>.npz</c>: a zip (read with <see cref="ZipArchive"/>) of <c>.npy</c> arrays, each named after its entry
/// without <c>.npy</c> (<c>conv2d/kernel.npy</c> → <c>conv2d/kernel</c>; <c>np.savez(f, *arrays)</c> gives <c>arr_0</c>, ...).
/// Only the <c>.npy</c> headers are read when opening; data is read for the tensors the network takes.
/// </summary>
internal sealed class NpzSource : WeightSource
{
    /// <summary>NumPy writes headers of a few hundred bytes; anything near this is not a weight file.</summary>
    private const int MaxHeaderBytes = 1 << 20;

    private static readonly byte[] Magic = { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' };

    private readonly ZipArchive _archive;
    private readonly List<FoundTensor> _tensors = new();

    private sealed record NpyArray(ZipArchiveEntry Entry, long HeaderBytes, bool BigEndian, bool FortranOrder);

    public NpzSource(Stream stream, string? fileName) : base(fileName)
    {
        _archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        try
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in _archive.Entries)
            {
                if (entry.FullName.EndsWith('/')) continue; // a folder
                if (entry.FullName.EndsWith("data.pkl", StringComparison.Ordinal))
                    throw Corrupt("this is a PyTorch pickle (torch.save), which ShapeGen does not unpickle: save the state_dict with safetensors.torch.save_file(model.state_dict(), path) and load that.");
                if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal))
                    throw Corrupt($"entry '{entry.FullName}' is not a NumPy array (.npy); an .npz holds only arrays.", entry.FullName);
                string name = entry.FullName.Substring(0, entry.FullName.Length - 4);
                if (!names.Add(name)) throw Corrupt($"the archive holds '{entry.FullName}' twice.", name);
                _tensors.Add(ReadHeader(name, entry));
            }
        }
        catch
        {
            _archive.Dispose();
            throw;
        }
    }

    public override string Format => "npz";

    public override IReadOnlyList<FoundTensor> Tensors => _tensors;

    private FoundTensor ReadHeader(string name, ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        Span<byte> prefix = stackalloc byte[10];
        int got = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        if (got < 8 || !prefix.Slice(0, 6).SequenceEqual(Magic))
            throw Corrupt($"array '{name}' is not a .npy array (no \\x93NUMPY magic).", name);

        int major = prefix[6];
        long headerLength, prefixLength;
        if (major == 1)
        {
            if (got < 10) throw Corrupt($"array '{name}': the .npy header is cut short.", name);
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix.Slice(8));
            prefixLength = 10;
        }
        else if (major is 2 or 3)
        {
            Span<byte> rest = stackalloc byte[2];
            if (got < 10 || stream.ReadAtLeast(rest, 2, throwOnEndOfStream: false) < 2)
                throw Corrupt($"array '{name}': the .npy header is cut short.", name);
            headerLength = (uint)(prefix[8] | prefix[9] << 8 | rest[0] << 16 | rest[1] << 24);
            prefixLength = 12;
        }
        else
        {
            throw Corrupt($"array '{name}': .npy format version {major}.{prefix[7]} is not one NumPy writes (1.0, 2.0, 3.0).", name);
        }
        if (headerLength > MaxHeaderBytes || prefixLength + headerLength > entry.Length)
            throw Corrupt($"array '{name}': the .npy header length {headerLength:N0} runs past the array's {entry.Length:N0} bytes.", name);

        var headerBytes = new byte[headerLength];
        if (stream.ReadAtLeast(headerBytes, headerBytes.Length, throwOnEndOfStream: false) < headerBytes.Length)
            throw Corrupt($"array '{name}': the .npy header is cut short.", name);
        string header = major == 3 ? Encoding.UTF8.GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);

        NpyHeader parsed;
        try
        {
            parsed = NpyHeader.Parse(header);
        }
        catch (FormatException e)
        {
            throw Corrupt($"array '{name}': the .npy header {Shorten(header)} cannot be read: {e.Message}", name, e);
        }

        long dataBytes = entry.Length - prefixLength - headerLength;
        var tensor = new FoundTensor(name, parsed.DType, parsed.Shape,
            new NpyArray(entry, prefixLength + headerLength, parsed.BigEndian, parsed.FortranOrder));
        if (WeightDTypes.IsReadable(parsed.DType))
        {
            long needed;
            try
            {
                needed = checked(tensor.Count * WeightDTypes.Size(parsed.DType));
            }
            catch (OverflowException)
            {
                throw Corrupt($"array '{name}': shape {WeightText.Shape(parsed.Shape)} is too large.", name);
            }
            if (needed != dataBytes)
                throw Corrupt($"array '{name}': {parsed.DType} {WeightText.Shape(parsed.Shape)} takes {needed:N0} bytes, but the array holds {dataBytes:N0} after its header{(needed > dataBytes ? " (truncated?)" : "")}.", name);
        }
        return tensor;
    }

    private static string Shorten(string text) => text.Length <= 120 ? "\"" + text.Trim() + "\"" : "\"" + text.Substring(0, 120) + "…\"";

    public override void Read(FoundTensor tensor, Span<float> destination)
    {
        var array = (NpyArray)tensor.Locator!;
        using var stream = array.Entry.Open();
        Skip(stream, array.HeaderBytes);
        if (!array.FortranOrder || tensor.Shape.Length < 2)
        {
            ElementReader.Read(stream, tensor.DType, array.BigEndian, destination);
            return;
        }

        // Column-major data is the row-major data of the reversed shape; reverse the axes back.
        var column = new float[destination.Length];
        ElementReader.Read(stream, tensor.DType, array.BigEndian, column);
        int rank = tensor.Shape.Length;
        var reversed = new int[rank];
        var permutation = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            reversed[i] = (int)tensor.Shape[rank - 1 - i];
            permutation[i] = rank - 1 - i;
        }
        TensorLayout.Permute(column, reversed, permutation, destination);
    }

    private static void Skip(Stream stream, long count)
    {
        Span<byte> buffer = stackalloc byte[512];
        while (count > 0)
        {
            int n = stream.Read(buffer.Slice(0, (int)Math.Min(buffer.Length, count)));
            if (n == 0) throw new EndOfStreamException();
            count -= n;
        }
    }

    public override void Dispose() => _archive.Dispose();
}

