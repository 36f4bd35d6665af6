using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace ShapeGen.Tests.Forward;

/// <summary>
/// An independent forward pass for the oracle's spec format, written from the Keras definitions with plain loops,
/// double accumulation and explicit bounds checks. It shares no code with the generator: it reads the spec JSON
/// itself, computes its own shapes and padding, and consumes weights in Keras get_weights() order.
/// </summary>
public static class NaiveReference
{
    /// <summary>A channels-last tensor without the batch axis.</summary>
    public sealed record Tensor(int[] Shape, double[] Data)
    {
        public static Tensor Zeros(params int[] shape) => new(shape, new double[shape.Aggregate(1, (a, b) => a * b)]);
    }

    public static float[] Run(JsonElement spec, float[] weights, float[] input)
    {
        var inputShape = spec.GetProperty("input").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var tensors = new Dictionary<string, Tensor> { ["input"] = new(inputShape, input.Select(x => (double)x).ToArray()) };
        string previous = "input";
        int offset = 0;
        double[] Take(int count)
        {
            var slice = new double[count];
            for (int i = 0; i < count; i++) slice[i] = weights[offset + i];
            offset += count;
            return slice;
        }

        int index = 0;
        foreach (var layer in spec.GetProperty("layers").EnumerateArray())
        {
            string type = layer.GetProperty("type").GetString()!;
            string name = layer.TryGetProperty("name", out var n) ? n.GetString()! : $"layer{index}";
            var sources = layer.TryGetProperty("inputs", out var inputs)
                ? inputs.EnumerateArray().Select(e => tensors[e.GetString()!]).ToArray()
                : new[] { tensors[previous] };
            var x = sources[0];
            Tensor y = type switch
            {
                "Conv1D" => Conv1D(x, layer, Take),
                "Conv2D" => Conv2D(x, layer, Take),
                "Conv2DTranspose" => Conv2DTranspose(x, layer, Take),
                "DepthwiseConv2D" => Depthwise(x, layer, Take),
                "SeparableConv2D" => Separable(x, layer, Take),
                "MaxPooling2D" or "AveragePooling2D" => Pool2D(x, layer, type == "MaxPooling2D"),
                "MaxPooling1D" or "AveragePooling1D" => Pool1D(x, layer, type == "MaxPooling1D"),
                "GlobalAveragePooling2D" => GlobalPool(x, max: false),
                "GlobalMaxPooling2D" => GlobalPool(x, max: true),
                "ZeroPadding2D" => Window(x, Sides(layer.GetProperty("padding")), sign: +1),
                "Cropping2D" => Window(x, Sides(layer.GetProperty("cropping")), sign: -1),
                "UpSampling2D" => UpSample(x, Pair(layer, "size", 2)),
                "Flatten" => new Tensor(new[] { x.Data.Length }, x.Data),
                "Reshape" => new Tensor(layer.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray(), x.Data),
                "Dense" => Dense(x, layer, Take),
                "Dropout" => x,
                "BatchNormalization" => BatchNorm(x, layer, Take),
                "Activation" => Activate(x, layer.GetProperty("activation").GetString()!),
                "ReLU" => Activate(x, "relu"),
                "Softmax" => Activate(x, "softmax"),
                "Add" => Add(sources),
                "Concatenate" => Concatenate(sources),
                _ => throw new NotSupportedException(type),
            };
            tensors[name] = y;
            previous = name;
            index++;
        }
        if (offset != weights.Length) throw new InvalidOperationException($"Used {offset} of {weights.Length} weights.");
        return tensors[previous].Data.Select(v => (float)v).ToArray();
    }

    private static int[] Pair(JsonElement layer, string property, int fallback)
    {
        if (!layer.TryGetProperty(property, out var value)) return new[] { fallback, fallback };
        return value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Select(e => e.GetInt32()).ToArray() : new[] { value.GetInt32(), value.GetInt32() };
    }

    private static int Int(JsonElement layer, string property, int fallback) => layer.TryGetProperty(property, out var v) ? v.GetInt32() : fallback;

    private static string Padding(JsonElement layer) => layer.TryGetProperty("padding", out var p) ? p.GetString()! : "valid";

    private static bool UseBias(JsonElement layer) => !layer.TryGetProperty("useBias", out var b) || b.GetBoolean();

    private static string ActivationOf(JsonElement layer) => layer.TryGetProperty("activation", out var a) ? a.GetString()! : "linear";

    /// <summary>Keras output length and the padding before the first window, for one axis.</summary>
    private static (int Out, int PadBefore) Axis(int n, int k, int s, int d, string padding)
    {
        int span = (k - 1) * d + 1;
        switch (padding)
        {
            case "valid": return ((n - span) / s + 1, 0);
            case "causal": return ((n + s - 1) / s, span - 1);
            default:
                int outLength = (n + s - 1) / s;
                int total = Math.Max(0, (outLength - 1) * s + span - n);
                return (outLength, total / 2);
        }
    }

    /// <summary>Input value at (y, x, c), zero outside the image (padding).</summary>
    private static double At(Tensor t, int y, int x, int c)
    {
        int h = t.Shape[0], w = t.Shape[1], ch = t.Shape[2];
        if (y < 0 || y >= h || x < 0 || x >= w) return 0;
        return t.Data[(y * w + x) * ch + c];
    }

    private static Tensor As2D(Tensor t) => t.Shape.Length == 2 ? new Tensor(new[] { 1, t.Shape[0], t.Shape[1] }, t.Data) : t;

    private static Tensor Conv1D(Tensor x, JsonElement layer, Func<int, double[]> take)
    {
        int k = Int(layer, "kernel", 1), s = Int(layer, "strides", 1), d = Int(layer, "dilation", 1), f = layer.GetProperty("filters").GetInt32();
        int steps = x.Shape[0], c = x.Shape[1];
        var (outSteps, pad) = Axis(steps, k, s, d, Padding(layer));
        var kernel = take(k * c * f);
        var bias = UseBias(layer) ? take(f) : new double[f];
        var y = Tensor.Zeros(outSteps, f);
        var image = As2D(x);
        for (int o = 0; o < outSteps; o++)
        for (int j = 0; j < f; j++)
        {
            double sum = bias[j];
            for (int t = 0; t < k; t++)
            for (int i = 0; i < c; i++)
                sum += At(image, 0, o * s + t * d - pad, i) * kernel[(t * c + i) * f + j];
            y.Data[o * f + j] = sum;
        }
        return Activate(y, ActivationOf(layer));
    }

    private static Tensor Conv2D(Tensor x, JsonElement layer, Func<int, double[]> take)
    {
        var k = Pair(layer, "kernel", 1);
        var s = Pair(layer, "strides", 1);
        var d = Pair(layer, "dilation", 1);
        int f = layer.GetProperty("filters").GetInt32(), c = x.Shape[2];
        var (oh, pt) = Axis(x.Shape[0], k[0], s[0], d[0], Padding(layer));
        var (ow, pl) = Axis(x.Shape[1], k[1], s[1], d[1], Padding(layer));
        var kernel = take(k[0] * k[1] * c * f);
        var bias = UseBias(layer) ? take(f) : new double[f];
        var y = Tensor.Zeros(oh, ow, f);
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        for (int j = 0; j < f; j++)
        {
            double sum = bias[j];
            for (int ky = 0; ky < k[0]; ky++)
            for (int kx = 0; kx < k[1]; kx++)
            for (int i = 0; i < c; i++)
                sum += At(x, oy * s[0] + ky * d[0] - pt, ox * s[1] + kx * d[1] - pl, i) * kernel[((ky * k[1] + kx) * c + i) * f + j];
            y.Data[(oy * ow + ox) * f + j] = sum;
        }
        return Activate(y, ActivationOf(layer));
    }

    /// <summary>Conv2DTranspose as the gradient of a convolution: every input pixel scatters its kernel-weighted values.</summary>
    private static Tensor Conv2DTranspose(Tensor x, JsonElement layer, Func<int, double[]> take)
    {
        var k = Pair(layer, "kernel", 1);
        var s = Pair(layer, "strides", 1);
        int f = layer.GetProperty("filters").GetInt32(), c = x.Shape[2], h = x.Shape[0], w = x.Shape[1];
        bool same = Padding(layer) == "same";
        int oh = same ? h * s[0] : h * s[0] + Math.Max(k[0] - s[0], 0);
        int ow = same ? w * s[1] : w * s[1] + Math.Max(k[1] - s[1], 0);
        // 'same' crops floor(max(k - s, 0) / 2) from the start of the full result.
        int top = same ? Math.Max(k[0] - s[0], 0) / 2 : 0, left = same ? Math.Max(k[1] - s[1], 0) / 2 : 0;
        var kernel = take(k[0] * k[1] * f * c); // [kh, kw, out, in]
        var bias = UseBias(layer) ? take(f) : new double[f];
        var y = Tensor.Zeros(oh, ow, f);
        for (int i = 0; i < y.Data.Length; i++) y.Data[i] = bias[i % f];
        for (int iy = 0; iy < h; iy++)
        for (int ix = 0; ix < w; ix++)
        for (int ky = 0; ky < k[0]; ky++)
        for (int kx = 0; kx < k[1]; kx++)
        {
            int oy = iy * s[0] + ky - top, ox = ix * s[1] + kx - left;
            if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
            for (int j = 0; j < f; j++)
            for (int i = 0; i < c; i++)
                y.Data[(oy * ow + ox) * f + j] += x.Data[(iy * w + ix) * c + i] * kernel[((ky * k[1] + kx) * f + j) * c + i];
        }
        return Activate(y, ActivationOf(layer));
    }

    private static Tensor DepthwiseCore(Tensor x, JsonElement layer, double[] kernel, double[] bias, int m)
    {
        var k = Pair(layer, "kernel", 1);
        var s = Pair(layer, "strides", 1);
        int c = x.Shape[2];
        var (oh, pt) = Axis(x.Shape[0], k[0], s[0], 1, Padding(layer));
        var (ow, pl) = Axis(x.Shape[1], k[1], s[1], 1, Padding(layer));
        var y = Tensor.Zeros(oh, ow, c * m);
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        for (int i = 0; i < c; i++)
        for (int j = 0; j < m; j++)
        {
            double sum = bias[i * m + j];
            for (int ky = 0; ky < k[0]; ky++)
            for (int kx = 0; kx < k[1]; kx++)
                sum += At(x, oy * s[0] + ky - pt, ox * s[1] + kx - pl, i) * kernel[((ky * k[1] + kx) * c + i) * m + j];
            y.Data[(oy * ow + ox) * c * m + i * m + j] = sum;
        }
        return y;
    }

    private static Tensor Depthwise(Tensor x, JsonElement layer, Func<int, double[]> take)
    {
        var k = Pair(layer, "kernel", 1);
        int m = Int(layer, "depthMultiplier", 1), c = x.Shape[2];
        var kernel = take(k[0] * k[1] * c * m);
        var bias = UseBias(layer) ? take(c * m) : new double[c * m];
        return Activate(DepthwiseCore(x, layer, kernel, bias, m), ActivationOf(layer));
    }

    private static Tensor Separable(Tensor x, JsonElement layer, Func<int, double[]> take)
    {
        var k = Pair(layer, "kernel", 1);
        int m = Int(layer, "depthMultiplier", 1), c = x.Shape[2], f = layer.GetProperty("filters").GetInt32();
        var depthwise = take(k[0] * k[1] * c * m);
        var pointwise = take(c * m * f);
        var bias = UseBias(layer) ? take(f) : new double[f];
        var z = DepthwiseCore(x, layer, depthwise, new double[c * m], m);
        var y = Tensor.Zeros(z.Shape[0], z.Shape[1], f);
        int pixels = z.Shape[0] * z.Shape[1];
        for (int p = 0; p < pixels; p++)
        for (int j = 0; j < f; j++)
        {
            double sum = bias[j];
            for (int i = 0; i < c * m; i++) sum += z.Data[p * c * m + i] * pointwise[i * f + j];
            y.Data[p * f + j] = sum;
        }
        return Activate(y, ActivationOf(layer));
    }

    private static Tensor Pool2D(Tensor x, JsonElement layer, bool max)
    {
        var pool = Pair(layer, "pool", 2);
        var strides = layer.TryGetProperty("strides", out _) ? Pair(layer, "strides", 1) : pool;
        return Pool2D(x, pool, strides, Padding(layer), max);
    }

    private static Tensor Pool2D(Tensor x, int[] pool, int[] s, string padding, bool max)
    {
        int h = x.Shape[0], w = x.Shape[1], c = x.Shape[2];
        var (oh, pt) = Axis(h, pool[0], s[0], 1, padding);
        var (ow, pl) = Axis(w, pool[1], s[1], 1, padding);
        var y = Tensor.Zeros(oh, ow, c);
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        for (int i = 0; i < c; i++)
        {
            double best = double.NegativeInfinity, sum = 0;
            int count = 0;
            for (int ky = 0; ky < pool[0]; ky++)
            for (int kx = 0; kx < pool[1]; kx++)
            {
                int iy = oy * s[0] + ky - pt, ix = ox * s[1] + kx - pl;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue; // padded cells never count
                double v = x.Data[(iy * w + ix) * c + i];
                best = Math.Max(best, v);
                sum += v;
                count++;
            }
            y.Data[(oy * ow + ox) * c + i] = max ? best : sum / count;
        }
        return y;
    }

    private static Tensor Pool1D(Tensor x, JsonElement layer, bool max)
    {
        int pool = Int(layer, "pool", 2), s = Int(layer, "strides", pool);
        var image = As2D(x);
        var y = Pool2D(image, new[] { 1, pool }, new[] { 1, s }, Padding(layer), max);
        return new Tensor(new[] { y.Shape[1], y.Shape[2] }, y.Data);
    }

    private static Tensor GlobalPool(Tensor x, bool max)
    {
        int pixels = x.Shape[0] * x.Shape[1], c = x.Shape[2];
        var y = Tensor.Zeros(c);
        for (int i = 0; i < c; i++)
        {
            double best = double.NegativeInfinity, sum = 0;
            for (int p = 0; p < pixels; p++)
            {
                best = Math.Max(best, x.Data[p * c + i]);
                sum += x.Data[p * c + i];
            }
            y.Data[i] = max ? best : sum / pixels;
        }
        return y;
    }

    /// <summary>(top, bottom, left, right) from an int, [h, w] or [[t, b], [l, r]].</summary>
    private static int[] Sides(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number) return Enumerable.Repeat(value.GetInt32(), 4).ToArray();
        var items = value.EnumerateArray().ToArray();
        if (items[0].ValueKind == JsonValueKind.Array)
            return new[] { items[0][0].GetInt32(), items[0][1].GetInt32(), items[1][0].GetInt32(), items[1][1].GetInt32() };
        return new[] { items[0].GetInt32(), items[0].GetInt32(), items[1].GetInt32(), items[1].GetInt32() };
    }

    /// <summary>ZeroPadding2D (sign +1) or Cropping2D (sign −1).</summary>
    private static Tensor Window(Tensor x, int[] sides, int sign)
    {
        int h = x.Shape[0], w = x.Shape[1], c = x.Shape[2];
        int oh = h + sign * (sides[0] + sides[1]), ow = w + sign * (sides[2] + sides[3]);
        var y = Tensor.Zeros(oh, ow, c);
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        for (int i = 0; i < c; i++)
            y.Data[(oy * ow + ox) * c + i] = At(x, oy - sign * sides[0], ox - sign * sides[2], i);
        return y;
    }

    private static Tensor UpSample(Tensor x, int[] size)
    {
        int h = x.Shape[0], w = x.Shape[1], c = x.Shape[2];
        var y = Tensor.Zeros(h * size[0], w * size[1], c);
        for (int oy = 0; oy < h * size[0]; oy++)
        for (int ox = 0; ox < w * size[1]; ox++)
        for (int i = 0; i < c; i++)
            y.Data[(oy * w * size[1] + ox) * c + i] = x.Data[((oy / size[0]) * w + ox / size[1]) * c + i];
        return y;
    }

    private static Tensor Dense(Tensor x, JsonElement layer, Func<int, double[]> take)
    {
        int units = layer.GetProperty("units").GetInt32(), features = x.Shape[^1];
        var kernel = take(features * units);
        var bias = UseBias(layer) ? take(units) : new double[units];
        int positions = x.Data.Length / features;
        var shape = x.Shape.ToArray();
        shape[^1] = units;
        var y = new Tensor(shape, new double[positions * units]);
        for (int p = 0; p < positions; p++)
        for (int u = 0; u < units; u++)
        {
            double sum = bias[u];
            for (int i = 0; i < features; i++) sum += x.Data[p * features + i] * kernel[i * units + u];
            y.Data[p * units + u] = sum;
        }
        return Activate(y, ActivationOf(layer));
    }

    private static Tensor BatchNorm(Tensor x, JsonElement layer, Func<int, double[]> take)
    {
        int c = x.Shape[^1];
        double epsilon = layer.TryGetProperty("epsilon", out var e) ? e.GetDouble() : 1e-3;
        var gamma = take(c);
        var beta = take(c);
        var mean = take(c);
        var variance = take(c);
        var y = new Tensor(x.Shape, new double[x.Data.Length]);
        for (int i = 0; i < x.Data.Length; i++)
        {
            int j = i % c;
            y.Data[i] = gamma[j] * (x.Data[i] - mean[j]) / Math.Sqrt(variance[j] + epsilon) + beta[j];
        }
        return y;
    }

    private static Tensor Add(Tensor[] sources)
    {
        var y = new Tensor(sources[0].Shape, new double[sources[0].Data.Length]);
        for (int i = 0; i < y.Data.Length; i++) y.Data[i] = sources.Sum(s => s.Data[i]);
        return y;
    }

    private static Tensor Concatenate(Tensor[] sources)
    {
        var channels = sources.Select(s => s.Shape[^1]).ToArray();
        int pixels = sources[0].Data.Length / channels[0], total = channels.Sum();
        var shape = sources[0].Shape.ToArray();
        shape[^1] = total;
        var y = new Tensor(shape, new double[pixels * total]);
        for (int p = 0; p < pixels; p++)
        {
            int offset = 0;
            for (int k = 0; k < sources.Length; k++)
            {
                for (int i = 0; i < channels[k]; i++) y.Data[p * total + offset + i] = sources[k].Data[p * channels[k] + i];
                offset += channels[k];
            }
        }
        return y;
    }

    /// <summary>Keras activations (hardSigmoid as TF.js and Keras 2: clip(0.2x + 0.5, 0, 1)).</summary>
    public static Tensor Activate(Tensor x, string activation)
    {
        if (activation == "softmax")
        {
            int c = x.Shape[^1];
            var y = new Tensor(x.Shape, new double[x.Data.Length]);
            for (int p = 0; p < x.Data.Length / c; p++)
            {
                double max = double.NegativeInfinity, sum = 0;
                for (int i = 0; i < c; i++) max = Math.Max(max, x.Data[p * c + i]);
                for (int i = 0; i < c; i++) sum += Math.Exp(x.Data[p * c + i] - max);
                for (int i = 0; i < c; i++) y.Data[p * c + i] = Math.Exp(x.Data[p * c + i] - max) / sum;
            }
            return y;
        }
        Func<double, double> f = activation switch
        {
            "linear" => v => v,
            "relu" => v => Math.Max(v, 0),
            "relu6" => v => Math.Min(Math.Max(v, 0), 6),
            "sigmoid" => v => 1 / (1 + Math.Exp(-v)),
            "tanh" => Math.Tanh,
            "elu" => v => v > 0 ? v : Math.Exp(v) - 1,
            "selu" => v => 1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * (Math.Exp(v) - 1)),
            "softplus" => v => Math.Log(1 + Math.Exp(v)),
            "hardSigmoid" => v => Math.Min(Math.Max(0.2 * v + 0.5, 0), 1),
            "swish" => v => v / (1 + Math.Exp(-v)),
            _ => throw new NotSupportedException(activation),
        };
        return new Tensor(x.Shape, x.Data.Select(f).ToArray());
    }
}
