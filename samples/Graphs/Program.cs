using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using ShapeGen;
using ShapeGen.Samples.Graphs;

// Two graph networks, run on the reference input made with TensorFlow.js (data/*/): the outputs must match.
int failures = 0;
failures += Run("unet_small", UNetSmall.Summary, UNetSmall.Layers, UNetSmall.OutputSize,
    weights => new UNetSmall(weights).Forward);
failures += Run("resnet_tiny", ResNetTiny.Summary, ResNetTiny.Layers, ResNetTiny.OutputSize,
    weights => new ResNetTiny(weights).Forward);
return failures == 0 ? 0 : 1;

static int Run(string name, string summary, IReadOnlyList<LayerInfo> layers, int outputSize, Func<float[], ForwardPass> create)
{
    Console.WriteLine(summary);
    string folder = Path.Combine(AppContext.BaseDirectory, "data", name);
    // The reference weights are TF.js getWeights() order (all trainable arrays first); the constructor takes Keras order.
    var weights = WeightOrder.FromTensorFlowJs(ReadFloats(Path.Combine(folder, "weights.bin")), layers);
    var input = ReadFloats(Path.Combine(folder, "input.bin"));
    var expected = ReadFloats(Path.Combine(folder, "output.bin"));
    var output = new float[outputSize];
    create(weights)(input, output);

    double worst = 0;
    for (int i = 0; i < output.Length; i++) worst = Math.Max(worst, Math.Abs(output[i] - expected[i]) / (1e-5 + Math.Abs(expected[i])));
    bool ok = worst < 1e-4;
    Console.WriteLine($"{name}: {output.Length} outputs, largest relative difference from TensorFlow.js {worst:E1} — {(ok ? "match" : "MISMATCH")}");
    Console.WriteLine();
    return ok ? 0 : 1;
}

static float[] ReadFloats(string path) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();

delegate void ForwardPass(ReadOnlySpan<float> input, Span<float> output);
