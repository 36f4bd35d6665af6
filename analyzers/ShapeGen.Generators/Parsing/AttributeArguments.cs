using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ShapeGen.Generators.Parsing;

/// <summary>An attribute's constructor and named arguments by name, read defensively: half-typed code must never throw.</summary>
internal sealed class AttributeArguments
{
    private readonly Dictionary<string, TypedConstant> _values = new(StringComparer.Ordinal);

    public AttributeArguments(AttributeData data)
    {
        var ctor = data.AttributeConstructor;
        if (ctor != null)
        {
            var args = data.ConstructorArguments;
            for (int i = 0; i < ctor.Parameters.Length && i < args.Length; i++)
            {
                _values[ctor.Parameters[i].Name] = args[i];
            }
        }
        foreach (var named in data.NamedArguments)
        {
            _values[named.Key] = named.Value;
        }
    }

    public List<string> Problems { get; } = new();

    public bool Has(string name) => _values.ContainsKey(name);

    public int Int(string name, int fallback)
    {
        if (!_values.TryGetValue(name, out var value) || value.IsNull) return fallback;
        switch (value.Value)
        {
            case int i: return i;
            case short s: return s;
            case byte b: return b;
            default:
                Problems.Add($"{name} must be an int, got {value.ToCSharpString()}.");
                return fallback;
        }
    }

    public double Double(string name, double fallback)
    {
        if (!_values.TryGetValue(name, out var value) || value.IsNull) return fallback;
        switch (value.Value)
        {
            case double d: return d;
            case float f: return f;
            case int i: return i;
            default:
                Problems.Add($"{name} must be a number, got {value.ToCSharpString()}.");
                return fallback;
        }
    }

    public bool Bool(string name, bool fallback)
        => _values.TryGetValue(name, out var value) && value.Value is bool b ? b : fallback;

    public string? String(string name)
        => _values.TryGetValue(name, out var value) ? value.Value as string : null;

    /// <summary>An enum argument as its underlying int, with a problem recorded for values the enum does not define.</summary>
    public TEnum Enum<TEnum>(string name, TEnum fallback, string typeName) where TEnum : struct, Enum
    {
        if (!_values.TryGetValue(name, out var value) || value.Value is null) return fallback;
        if (value.Value is not int raw)
        {
            Problems.Add($"{name} must be a {typeName} value, got {value.ToCSharpString()}.");
            return fallback;
        }
        var result = (TEnum)(object)raw;
        if (!System.Enum.IsDefined(typeof(TEnum), result))
        {
            Problems.Add($"{raw} is not a {typeName} value; use one of {string.Join(", ", System.Enum.GetNames(typeof(TEnum)).Select(n => typeName + "." + n))}.");
            return fallback;
        }
        return result;
    }

    /// <summary>A <c>params string[]</c> argument; null elements are recorded as problems.</summary>
    public ImmutableArray<string> StringArray(string name)
    {
        if (!_values.TryGetValue(name, out var value)) return ImmutableArray<string>.Empty;
        if (value.Kind != TypedConstantKind.Array)
        {
            return value.Value is string single ? ImmutableArray.Create(single) : ImmutableArray<string>.Empty;
        }
        if (value.IsNull) return ImmutableArray<string>.Empty;
        var builder = ImmutableArray.CreateBuilder<string>(value.Values.Length);
        foreach (var element in value.Values)
        {
            if (element.Value is string s) builder.Add(s);
            else Problems.Add($"{name} must hold layer names, got {element.ToCSharpString()}.");
        }
        return builder.ToImmutable();
    }

    /// <summary>A <c>params int[]</c> argument.</summary>
    public ImmutableArray<int> IntArray(string name)
    {
        if (!_values.TryGetValue(name, out var value)) return ImmutableArray<int>.Empty;
        if (value.Kind != TypedConstantKind.Array)
        {
            return value.Value is int single ? ImmutableArray.Create(single) : ImmutableArray<int>.Empty;
        }
        if (value.IsNull) return ImmutableArray<int>.Empty;
        var builder = ImmutableArray.CreateBuilder<int>(value.Values.Length);
        foreach (var element in value.Values)
        {
            if (element.Value is int i) builder.Add(i);
            else Problems.Add($"{name} must hold ints, got {element.ToCSharpString()}.");
        }
        return builder.ToImmutable();
    }
}
