using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ShapeGen.Tests.Infrastructure;

/// <summary>
/// Translates a conformance/corpus <c>spec.json</c> (a Keras Sequential model as the TF.js oracle built it) into
/// ShapeGen attribute lines, following the contract: positional arguments for what the attribute's constructors
/// take, named properties for the rest, defaults left out only where the spec leaves them out.
/// </summary>
public static class SpecTranslator
{
    /// <summary>The attribute lines, <c>[Input(...)]</c> first.</summary>
    public static IReadOnlyList<string> Attributes(JsonElement spec)
    {
        var lines = new List<string> { "[Input(" + Ints(IntList(spec.GetProperty("input"))) + ")]" };
        foreach (var layer in spec.GetProperty("layers").EnumerateArray())
        {
            lines.Add("[" + Layer(layer) + "]");
        }
        return lines;
    }

    /// <summary>A whole declaration: the attributes on <c>public partial class {name}</c> in namespace <paramref name="ns"/>.</summary>
    public static NetworkSource Declaration(JsonElement spec, string ns, string? typeName = null)
        => NetworkSource.Class(ns, typeName ?? spec.GetProperty("name").GetString()!, Attributes(spec));

    /// <summary>One layer's attribute text without the brackets, e.g. <c>Conv2D(32, 3, Padding.Same, Stride = 2)</c>.</summary>
    public static string Layer(JsonElement layer)
    {
        string type = layer.GetProperty("type").GetString()!;
        var positional = new List<string>();
        var named = new List<string>();
        switch (type)
        {
            case "Conv2D":
            case "Conv2DTranspose":
            case "SeparableConv2D":
            case "DepthwiseConv2D":
                if (type != "DepthwiseConv2D") positional.Add(Int(layer, "filters"));
                positional.AddRange(Pair(layer.GetProperty("kernel")));
                AddPadding(layer, positional);
                AddStrides2D(layer, named);
                if (layer.TryGetProperty("dilation", out var dilation))
                {
                    var (dh, dw) = PairValues(dilation);
                    if (dh == dw) named.Add($"DilationRate = {dh}");
                    else named.Add($"DilationHeight = {dh}, DilationWidth = {dw}");
                }
                if (layer.TryGetProperty("depthMultiplier", out var multiplier)) named.Add($"DepthMultiplier = {multiplier.GetInt32()}");
                AddActivationAndBias(layer, named);
                break;
            case "Conv1D":
                positional.Add(Int(layer, "filters"));
                positional.Add(Int(layer, "kernel"));
                AddPadding(layer, positional);
                if (layer.TryGetProperty("strides", out var stride1)) named.Add($"Stride = {stride1.GetInt32()}");
                if (layer.TryGetProperty("dilation", out var dilation1)) named.Add($"DilationRate = {dilation1.GetInt32()}");
                AddActivationAndBias(layer, named);
                break;
            case "MaxPooling1D":
            case "AveragePooling1D":
                if (layer.TryGetProperty("pool", out var pool1)) positional.Add(Inv(pool1.GetInt32()));
                AddPadding(layer, positional, namedWhenFirst: true);
                if (layer.TryGetProperty("strides", out var poolStride1)) named.Add($"Stride = {poolStride1.GetInt32()}");
                break;
            case "MaxPooling2D":
            case "AveragePooling2D":
                if (layer.TryGetProperty("pool", out var pool2)) positional.AddRange(Pair(pool2));
                AddPadding(layer, positional, namedWhenFirst: true);
                AddStrides2D(layer, named);
                break;
            case "GlobalAveragePooling2D":
            case "GlobalMaxPooling2D":
            case "Flatten":
            case "ReLU":
            case "Softmax":
                break;
            case "ZeroPadding2D":
                positional.AddRange(Sides(layer.GetProperty("padding")));
                break;
            case "Cropping2D":
                positional.AddRange(Sides(layer.GetProperty("cropping")));
                break;
            case "UpSampling2D":
                if (layer.TryGetProperty("size", out var size)) positional.AddRange(Pair(size));
                break;
            case "Reshape":
                positional.Add(Ints(IntList(layer.GetProperty("shape"))));
                break;
            case "Dense":
                positional.Add(Int(layer, "units"));
                AddActivationAndBias(layer, named);
                break;
            case "Dropout":
                positional.Add(Double(layer.GetProperty("rate")));
                break;
            case "BatchNormalization":
                if (layer.TryGetProperty("epsilon", out var epsilon)) named.Add("Epsilon = " + Double(epsilon));
                break;
            case "Activation":
                positional.Add("Activation." + ActivationName(layer.GetProperty("activation").GetString()!));
                break;
            case "Add":
            case "Concatenate":
                // Graph models: the merged layers by name.
                positional.AddRange(layer.GetProperty("inputs").EnumerateArray().Select(e => SymbolDisplayString(e.GetString()!)));
                break;
            default:
                throw new NotSupportedException($"layer type '{type}' has no ShapeGen attribute");
        }

        if (layer.TryGetProperty("name", out var name)) named.Add("Name = " + SymbolDisplayString(name.GetString()!));
        // Graph models: a single named input is the layer's From.
        if (type is not ("Add" or "Concatenate") && layer.TryGetProperty("inputs", out var inputs))
            named.Add("From = " + SymbolDisplayString(inputs.EnumerateArray().Single().GetString()!));

        var text = new StringBuilder(type);
        var arguments = positional.Concat(named).ToList();
        if (arguments.Count > 0) text.Append('(').Append(string.Join(", ", arguments)).Append(')');
        return text.ToString();
    }

    /// <summary>Keras activation identifiers to the contract's enum member names.</summary>
    public static string ActivationName(string keras) => keras switch
    {
        "linear" => "Linear",
        "relu" => "Relu",
        "relu6" => "Relu6",
        "sigmoid" => "Sigmoid",
        "tanh" => "Tanh",
        "softmax" => "Softmax",
        "elu" => "Elu",
        "selu" => "Selu",
        "softplus" => "Softplus",
        "hardSigmoid" or "hard_sigmoid" => "HardSigmoid",
        "swish" or "silu" => "Swish",
        _ => throw new NotSupportedException($"activation '{keras}'"),
    };

    /// <summary>The padding argument; <c>padding: Padding.Same</c> when the pool size before it is left to its default.</summary>
    private static void AddPadding(JsonElement layer, List<string> positional, bool namedWhenFirst = false)
    {
        if (!layer.TryGetProperty("padding", out var padding)) return;
        string prefix = namedWhenFirst && positional.Count == 0 ? "padding: " : "";
        string value = padding.GetString() switch
        {
            "valid" => "Padding.Valid",
            "same" => "Padding.Same",
            "causal" => "Padding.Causal",
            var other => throw new NotSupportedException($"padding '{other}'"),
        };
        positional.Add(prefix + value);
    }

    private static void AddStrides2D(JsonElement layer, List<string> named)
    {
        if (!layer.TryGetProperty("strides", out var strides)) return;
        var (sh, sw) = PairValues(strides);
        if (sh == sw) named.Add($"Stride = {sh}");
        else named.Add($"StrideHeight = {sh}, StrideWidth = {sw}");
    }

    private static void AddActivationAndBias(JsonElement layer, List<string> named)
    {
        if (layer.TryGetProperty("activation", out var activation) && activation.ValueKind == JsonValueKind.String)
            named.Add("Activation = Activation." + ActivationName(activation.GetString()!));
        if (layer.TryGetProperty("useBias", out var useBias))
            named.Add("UseBias = " + (useBias.GetBoolean() ? "true" : "false"));
    }

    /// <summary>An int or [h, w]: one argument when square, two otherwise (the rectangular constructor).</summary>
    private static IEnumerable<string> Pair(JsonElement value)
    {
        var (h, w) = PairValues(value);
        return h == w ? new[] { Inv(h) } : new[] { Inv(h), Inv(w) };
    }

    private static (int, int) PairValues(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number) return (value.GetInt32(), value.GetInt32());
        var list = IntList(value);
        if (list.Count != 2) throw new NotSupportedException($"expected [h, w], got {value}");
        return (list[0], list[1]);
    }

    /// <summary>ZeroPadding2D/Cropping2D: int, [h, w] or [[top, bottom], [left, right]].</summary>
    private static IEnumerable<string> Sides(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number) return new[] { Inv(value.GetInt32()) };
        var outer = value.EnumerateArray().ToList();
        if (outer.Count == 2 && outer[0].ValueKind == JsonValueKind.Number)
            return new[] { Inv(outer[0].GetInt32()), Inv(outer[1].GetInt32()) };
        if (outer.Count == 2 && outer[0].ValueKind == JsonValueKind.Array)
        {
            var tb = IntList(outer[0]);
            var lr = IntList(outer[1]);
            return new[] { Inv(tb[0]), Inv(tb[1]), Inv(lr[0]), Inv(lr[1]) };
        }
        throw new NotSupportedException($"padding/cropping {value}");
    }

    private static List<int> IntList(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToList();

    private static string Int(JsonElement layer, string property) => Inv(layer.GetProperty(property).GetInt32());

    private static string Ints(IEnumerable<int> values) => string.Join(", ", values.Select(Inv));

    private static string Inv(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A C# double literal that round-trips (0.2, 1E-05, 0).</summary>
    private static string Double(JsonElement value)
    {
        string text = value.GetDouble().ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.') || text.Contains('E') ? text : text + ".0";
    }

    private static string SymbolDisplayString(string value)
        => Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(value, quote: true);
}
