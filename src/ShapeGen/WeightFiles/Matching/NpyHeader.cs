// Shared source (runtime and analyzer): see TensorModel.cs.
using System;
using System.Collections.Generic;
using System.Globalization;

namespace ShapeGen.WeightFiles;

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
        bool bigEndian = descr.StartsWith(">", StringComparison.Ordinal) || (descr.StartsWith("=", StringComparison.Ordinal) && !BitConverter.IsLittleEndian);
        string code = descr.TrimStart('<', '>', '|', '=');
        if (code.Length < 2 || !int.TryParse(code.Substring(1), NumberStyles.None, CultureInfo.InvariantCulture, out int bytes) || bytes > 64) return (descr, bigEndian);
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
            while (_at < _text.Length && _text[_at] >= '0' && _text[_at] <= '9') _at++;
            if (!long.TryParse(_text.Substring(start, _at - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)) throw new FormatException($"unexpected '{Peek()}' at {start}");
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
