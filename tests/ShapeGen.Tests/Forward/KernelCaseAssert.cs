using System.Text.Json;
using ShapeGen.Tests.Infrastructure;

namespace ShapeGen.Tests.Forward;

/// <summary>The forward check shared by the kernel test classes (Winograd, in-place padding, row pooling).</summary>
internal static class KernelCaseAssert
{
    /// <summary>
    /// Three random inputs through a compiled case with random weights: each output close to the naive (double)
    /// reference, and at 2 and 3 threads equal bit for bit to the serial output.
    /// </summary>
    public static void MatchesReferenceSerialAndSplit(CompiledNetwork network, JsonElement spec, string name)
    {
        var random = new Random(name.Length * 7919 + name[0]);
        var weights = RandomWeights.For(network.Layers, network.ParameterCount, random, scale: 0.25f);
        var instance = network.Create(weights);
        for (int sample = 0; sample < 3; sample++)
        {
            var input = Enumerable.Range(0, network.InputSize).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
            var expected = NaiveReference.Run(spec, weights, input);
            // Run twice: frame borders, scratch and per-row results live in reused workspace, so later calls must still be
            // right; and the same both times, so no call reads what an earlier one left there (a row read before it is
            // written would see the previous call's value, right by accident on the second call).
            var first = network.Forward(instance, input);
            var serial = network.Forward(instance, input);
            Assert.Equal(first, serial);
            // Float rounding scales with the size of the summed terms, not of the result: where a value cancels to near
            // zero, its error is that of the layer's typical values. Winograd's WideKernel case reaches about 4, and there
            // the direct convolution misses a fixed 1e-5 as well (4 values, up to 1.6e-5 off), so the absolute bound
            // scales with them.
            double scale = Math.Max(1, expected.Max(value => Math.Abs(value)));
            OutputAssert.Close(expected, serial, $"{name} sample {sample}", relative: 1e-4, absolute: 1e-5 * scale);
            foreach (int degree in new[] { 2, 3 })
            {
                network.SetMaxDegreeOfParallelism(instance, degree);
                try
                {
                    Assert.Equal(serial, network.Forward(instance, input));
                }
                finally
                {
                    network.SetMaxDegreeOfParallelism(instance, 1);
                }
            }
        }
    }
}
