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

/// <summary>
/// The header of a .npy array: a Python dict literal such as
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (3, 3, 1, 16), }</c>.
/// </summary>
internal sealed class NpyHeader
{
    private NpyHeader(string dtype, bool bigEndian, bool fortranOrder, long[] shape)
    {
        DType = dtype;
        BigEndian = bigEndian;
        FortranOrder = fortranOrder;
        Shape = shape;
    }

    public string DType { get; }
    public bool BigEndian { get; }
    public bool FortranOrder { get; }
    public long[] Shape { get; }

    /// <exception cref="FormatException">Not a header NumPy writes.</exception>
    public static NpyHeader Parse(string text)
    {
        var reader = new LiteralReader(text);
        var values = reader.ReadDict();
        if (!values.TryGetValue("descr", out var descr)) throw new FormatException("no 'descr'");
        if (!values.TryGetValue("shape", out var shape) || shape is not List<long> dims) throw new FormatException("no 'shape' tuple");
        bool fortran = values.TryGetValue("fortran_order", out var f) && f is true;
        if (descr is not string d) throw new FormatException("structured arrays (a list 'descr') are not weights");
        foreach (long dim in dims)
        {
            if (dim < 0 || dim > int.MaxValue) throw new FormatException($"dimension {dim}");
        }
        var (dtype, bigEndian) = DTypeOf(d);
        return new NpyHeader(dtype, bigEndian, fortran, dims.ToArray());
    }

    /// <summary>'&lt;f4' → float32, little-endian; '&gt;f8' → float64, big-endian; other kinds named as NumPy does.</summary>
    private static (string DType, bool BigEndian) DTypeOf(string descr)
    {
        bool bigEndian = descr.StartsWith('>') || (descr.StartsWith('=') && !BitConverter.IsLittleEndian);
        string code = descr.TrimStart('<', '>', '|', '=');
        if (code.Length < 2 || !int.TryParse(code.AsSpan(1), out int bytes)) return (descr, bigEndian);
        string name = code[0] switch
        {
            'f' => "float" + bytes * 8,
            'i' => "int" + bytes * 8,
            'u' => "uint" + bytes * 8,
            'c' => "complex" + bytes * 8,
            'b' => "bool",
            _ => descr,
        };
        return (name, bigEndian);
    }

    /// <summary>Reads the Python literals NumPy uses in headers: dict, tuple/list of ints, strings, True/False, ints.</summary>
    private sealed class LiteralReader
    {
        private const int MaxDepth = 8;
        private readonly string _text;
        private int _at;
        private int _depth;

        public LiteralReader(string text) => _text = text;

        public Dictionary<string, object> ReadDict()
        {
            Expect('{');
            Enter();
            var result = new Dictionary<string, object>(StringComparer.Ordinal);
            while (true)
            {
                SkipSpace();
                if (Peek() == '}')
                {
                    _at++;
                    _depth--;
                    return result;
                }
                if (ReadValue() is not string key) throw new FormatException("a dict key is not a string");
                Expect(':');
                result[key] = ReadValue();
                SkipSpace();
                if (Peek() == ',') _at++;
                else if (Peek() != '}') throw new FormatException($"unexpected '{Peek()}' at {_at}");
            }
        }

        private object ReadValue()
        {
            SkipSpace();
            char c = Peek();
            if (c == '\'' || c == '"') return ReadString(c);
            if (c == '(' || c == '[') return ReadSequence(c == '(' ? ')' : ']');
            if (c == '{') return ReadDict();
            if (Match("True")) return true;
            if (Match("False")) return false;
            if (Match("None")) return "None";
            return ReadInt();
        }

        private string ReadString(char quote)
        {
            int start = ++_at;
            while (_at < _text.Length && _text[_at] != quote) _at++;
            if (_at >= _text.Length) throw new FormatException("an unterminated string");
            return _text.Substring(start, _at++ - start);
        }

        private object ReadSequence(char close)
        {
            _at++;
            Enter();
            var ints = new List<long>();
            var others = false;
            while (true)
            {
                SkipSpace();
                if (Peek() == close)
                {
                    _at++;
                    _depth--;
                    return others ? "sequence" : ints;
                }
                var value = ReadValue();
                if (value is long l) ints.Add(l);
                else others = true;
                SkipSpace();
                if (Peek() == ',') _at++;
                else if (Peek() != close) throw new FormatException($"unexpected '{Peek()}' at {_at}");
            }
        }

        private long ReadInt()
        {
            int start = _at;
            if (Peek() == '-') _at++;
            while (_at < _text.Length && char.IsAsciiDigit(_text[_at])) _at++;
            if (!long.TryParse(_text.AsSpan(start, _at - start), out long value)) throw new FormatException($"unexpected '{Peek()}' at {start}");
            if (Peek() == 'L') _at++; // Python 2 longs
            return value;
        }

        /// <summary>Nesting is bounded: a crafted header must not exhaust the stack.</summary>
        private void Enter()
        {
            if (++_depth > MaxDepth) throw new FormatException("nested too deeply");
        }

        private bool Match(string word)
        {
            if (string.CompareOrdinal(_text, _at, word, 0, word.Length) != 0) return false;
            _at += word.Length;
            return true;
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (Peek() != c) throw new FormatException($"expected '{c}' at {_at}");
            _at++;
        }

        private char Peek() => _at < _text.Length ? _text[_at] : '\0';

        private void SkipSpace()
        {
            while (_at < _text.Length && char.IsWhiteSpace(_text[_at])) _at++;
        }
    }
}
