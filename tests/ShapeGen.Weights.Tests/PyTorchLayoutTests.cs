using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using ShapeGen.WeightFiles;

namespace ShapeGen.Weights.Tests;

/// <summary>Every layer with weights: the Weights list, and PyTorch's layouts converted back to Keras's exactly.</summary>
public class PyTorchLayoutTests
{
    [Fact]
    public void Weights_list_names_every_variable_in_Keras_order()
    {
        var expected = new[]
        {
            "conv2d/kernel [3, 3, 2, 4]", "conv2d/bias [4]",
            "batch_normalization/gamma [4]", "batch_normalization/beta [4]", "batch_normalization/moving_mean [4]", "batch_normalization/moving_variance [4]",
            "depthwise_conv2d/kernel [3, 3, 4, 2]", "depthwise_conv2d/bias [8]",
            "separable_conv2d/depthwise_kernel [3, 3, 8, 2]", "separable_conv2d/pointwise_kernel [1, 1, 16, 3]", "separable_conv2d/bias [3]",
            "conv2d_transpose/kernel [2, 2, 2, 3]", "conv2d_transpose/bias [2]",
            "dense/kernel [288, 5]", "dense/bias [5]",
        };
        Assert.Equal(expected, ZooNet.Weights.Select(w => $"{w.Name} [{string.Join(", ", w.Shape)}]"));
        Assert.Equal(ZooNet.ParameterCount, ZooNet.Weights.Sum(w => w.Count));
        Assert.Equal(new[] { 12, 12, 2 }, ZooNet.Weights.Single(w => w.Name == "dense/kernel").FlattenedFrom);
        Assert.Equal(new[] { 0, 1, 2, 3 }, ZooNet.Weights.Where(w => w.Layer == "batch_normalization").Select(w => w.VariableIndex));
    }

    [Fact]
    public void PyTorch_layouts_of_every_layer_convert_back_exactly()
    {
        var random = new Random(3);
        var keras = Enumerable.Range(0, (int)ZooNet.ParameterCount).Select(_ => (float)random.NextDouble()).ToArray();
        float[] P(string name)
        {
            var w = ZooNet.Weights.Single(w => w.Name == name);
            return keras.AsSpan((int)w.Offset, (int)w.Count).ToArray();
        }

        // Written the way PyTorch stores each module, with explicit index arithmetic (independent of the loader's permutations).
        var torch = new List<(string, long[], float[])>();
        void Add(string name, long[] shape, float[] values) => torch.Add((name, shape, values));

        var conv = P("conv2d/kernel"); // [kh, kw, in, out] → [out, in, kh, kw]
        Add("l0.weight", new long[] { 4, 2, 3, 3 }, Build(4 * 2 * 9, (o, i, y, x) => conv[((y * 3 + x) * 2 + i) * 4 + o], 4, 2, 3, 3));
        Add("l0.bias", new long[] { 4 }, P("conv2d/bias"));
        Add("l1.weight", new long[] { 4 }, P("batch_normalization/gamma"));
        Add("l1.bias", new long[] { 4 }, P("batch_normalization/beta"));
        Add("l1.running_mean", new long[] { 4 }, P("batch_normalization/moving_mean"));
        Add("l1.running_var", new long[] { 4 }, P("batch_normalization/moving_variance"));
        var depthwise = P("depthwise_conv2d/kernel"); // [kh, kw, in, m] → [in·m, 1, kh, kw], channel i·m + j
        Add("l2.weight", new long[] { 8, 1, 3, 3 }, Build(72, (o, _, y, x) => depthwise[((y * 3 + x) * 4 + o / 2) * 2 + o % 2], 8, 1, 3, 3));
        Add("l2.bias", new long[] { 8 }, P("depthwise_conv2d/bias"));
        var sepDepthwise = P("separable_conv2d/depthwise_kernel");
        Add("l3.weight", new long[] { 16, 1, 3, 3 }, Build(144, (o, _, y, x) => sepDepthwise[((y * 3 + x) * 8 + o / 2) * 2 + o % 2], 16, 1, 3, 3));
        var pointwise = P("separable_conv2d/pointwise_kernel"); // [1, 1, 16, 3] → [3, 16, 1, 1]
        Add("l4.weight", new long[] { 3, 16, 1, 1 }, Build(48, (o, i, _, _) => pointwise[i * 3 + o], 3, 16, 1, 1));
        Add("l4.bias", new long[] { 3 }, P("separable_conv2d/bias"));
        var transpose = P("conv2d_transpose/kernel"); // Keras [kh, kw, out, in] → ConvTranspose2d [in, out, kh, kw]
        Add("l5.weight", new long[] { 3, 2, 2, 2 }, Build(24, (i, o, y, x) => transpose[((y * 2 + x) * 2 + o) * 3 + i], 3, 2, 2, 2));
        Add("l5.bias", new long[] { 2 }, P("conv2d_transpose/bias"));
        var dense = P("dense/kernel"); // Keras [(h·12 + w)·2 + c, unit] → PyTorch [unit, c·144 + h·12 + w]
        Add("l6.weight", new long[] { 5, 288 }, Build(1440, (u, c, h, w) => dense[((h * 12 + w) * 2 + c) * 5 + u], 5, 2, 12, 12));
        Add("l6.bias", new long[] { 5 }, P("dense/bias"));
        Add("l1.num_batches_tracked", new long[] { }, new float[] { 0 }); // int64 in PyTorch; ignored whatever it holds

        var file = Writers.Safetensors(torch.Select(t => (t.Item1, "F32", t.Item2, MemoryMarshal.AsBytes(t.Item3.AsSpan()).ToArray())));
        var loaded = PyTorchWeights.Read(new MemoryStream(file), ZooNet.Weights);
        Assert.Equal(keras, loaded);
    }

    /// <summary>A 4-axis tensor, row-major, each element from its indices.</summary>
    private static float[] Build(int count, Func<int, int, int, int, float> at, int a, int b, int c, int d)
    {
        var values = new float[count];
        int n = 0;
        for (int i = 0; i < a; i++)
            for (int j = 0; j < b; j++)
                for (int k = 0; k < c; k++)
                    for (int l = 0; l < d; l++)
                        values[n++] = at(i, j, k, l);
        return values;
    }
}
