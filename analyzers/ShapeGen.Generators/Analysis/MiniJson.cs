using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ShapeGen.Generators.Analysis;

/// <summary>
/// Just enough JSON for a safetensors header at compile time. The runtime library reads headers with
/// System.Text.Json; an analyzer cannot count on that assembly being loadable in every compiler host.
/// Values: Dictionary&lt;string, object?&gt;, List&lt;object?&gt;, string, double, bool, null.
/// </summary>
internal sealed class MiniJson
{
    private const int MaxDepth = 32;
    private readonly string _text;
    private int _at;

    private MiniJson(string text) => _text = text;

    /// <exception cref="FormatException">Not valid JSON.</exception>
    public static object? Parse(string text)
    {
        var reader = new MiniJson(text);
        var value = reader.Value(0);
        reader.Space();
        if (reader._at != text.Length) throw new FormatException($"unexpected text at {reader._at}");
        return value;
    }

    private object? Value(int depth)
    {
        if (depth > MaxDepth) throw new FormatException("nested too deeply");
        Space();
        if (_at >= _text.Length) throw new FormatException("unexpected end");
        char c = _text[_at];
        switch (c)
        {
            case '{':
            {
                _at++;
                var result = new Dictionary<string, object?>(StringComparer.Ordinal);
                Space();
                if (Take('}')) return result;
                while (true)
                {
                    Space();
                    if (_at >= _text.Length || _text[_at] != '"') throw new FormatException($"expected a key at {_at}");
                    string key = String();
                    Space();
                    if (!Take(':')) throw new FormatException($"expected ':' at {_at}");
                    if (result.ContainsKey(key)) throw new FormatException($"key '{key}' appears twice");
                    result[key] = Value(depth + 1);
                    Space();
                    if (Take('}')) return result;
                    if (!Take(',')) throw new FormatException($"expected ',' or '}}' at {_at}");
                }
            }
            case '[':
            {
                _at++;
                var result = new List<object?>();
                Space();
                if (Take(']')) return result;
                while (true)
                {
                    result.Add(Value(depth + 1));
                    Space();
                    if (Take(']')) return result;
                    if (!Take(',')) throw new FormatException($"expected ',' or ']' at {_at}");
                }
            }
            case '"':
                return String();
            default:
                if (Word("true")) return true;
                if (Word("false")) return false;
                if (Word("null")) return null;
                return Number();
        }
    }

    private string String()
    {
        _at++; // opening quote
        var b = new StringBuilder();
        while (true)
        {
            if (_at >= _text.Length) throw new FormatException("unterminated string");
            char c = _text[_at++];
            if (c == '"') return b.ToString();
            if (c != '\\')
            {
                b.Append(c);
                continue;
            }
            if (_at >= _text.Length) throw new FormatException("unterminated string");
            char e = _text[_at++];
            switch (e)
            {
                case 'n': b.Append('\n'); break;
                case 't': b.Append('\t'); break;
                case 'r': b.Append('\r'); break;
                case 'b': b.Append('\b'); break;
                case 'f': b.Append('\f'); break;
                case 'u':
                    if (_at + 4 > _text.Length || !int.TryParse(_text.Substring(_at, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int code))
                        throw new FormatException("bad \\u escape");
                    b.Append((char)code);
                    _at += 4;
                    break;
                default: b.Append(e); break;
            }
        }
    }

    private double Number()
    {
        int start = _at;
        while (_at < _text.Length && "+-0123456789.eE".IndexOf(_text[_at]) >= 0) _at++;
        if (start == _at || !double.TryParse(_text.Substring(start, _at - start), NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            throw new FormatException($"unexpected '{(start < _text.Length ? _text[start] : ' ')}' at {start}");
        return value;
    }

    private bool Word(string word)
    {
        if (string.CompareOrdinal(_text, _at, word, 0, word.Length) != 0) return false;
        _at += word.Length;
        return true;
    }

    private bool Take(char c)
    {
        if (_at < _text.Length && _text[_at] == c)
        {
            _at++;
            return true;
        }
        return false;
    }

    private void Space()
    {
        while (_at < _text.Length && (_text[_at] == ' ' || _text[_at] == '\t' || _text[_at] == '\n' || _text[_at] == '\r')) _at++;
    }
}
