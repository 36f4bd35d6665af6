using System;
using System.IO;
using System.Linq;
using ShapeGen.WeightFiles;

namespace ShapeGen.Weights.Tests;

/// <summary>The digits network's weights, written by NumPy, safetensors, PyTorch and h5py, all give the same network.</summary>
public class DigitsFormatTests
{
    private static readonly Lazy<float[]> Reference = new(() => TestData.Classify(new DigitsNet(TestData.Floats("weights.bin"))));

    private static readonly PyTorchLoadOptions DigitsPyTorch = new() { Flatten = PyTorchFlatten.ChannelsLast };

    public static TheoryData<string> KerasFiles => new()
    {
        "weights.bin", "weights.npz", "weights.safetensors", "digits.weights.h5", "weights_positional.npz",
        "weights_float64.npz", "weights_fortran_bigendian.npz",
    };

    [Theory]
    [MemberData(nameof(KerasFiles))]
    public void Every_Keras_format_gives_the_same_probabilities_and_97_6_percent(string file)
    {
        var outputs = TestData.Classify(DigitsNet.Load(TestData.File(file)));
        Assert.Equal(527, TestData.Correct(outputs));
        AssertClose(Reference.Value, outputs, 1e-6f);
    }

    [Fact]
    public void Keras_order_weights_bin_agrees_with_PyTorch_on_every_test_image()
    {
        // The sample's network from the Keras-order weights.bin, against the probabilities PyTorch computed.
        var ours = Reference.Value;
        var pytorch = TestData.Floats("test_probabilities.bin");
        Assert.Equal(540 * 10, ours.Length);
        var disagreements = Enumerable.Range(0, 540)
            .Where(i => ArgMax(ours.AsSpan(i * 10, 10)) != ArgMax(pytorch.AsSpan(i * 10, 10)))
            .ToList();
        Assert.Empty(disagreements);
        AssertClose(pytorch, ours, 1e-5f);
        Assert.Equal(527, TestData.Correct(ours));
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    [Fact]
    public void PyTorch_state_dict_gives_the_same_probabilities_and_97_6_percent()
    {
        var outputs = TestData.Classify(DigitsNet.LoadPyTorch(TestData.File("pytorch_state_dict.safetensors"), DigitsPyTorch));
        Assert.Equal(527, TestData.Correct(outputs));
        AssertClose(Reference.Value, outputs, 1e-6f);
        // And PyTorch's own outputs, to float rounding.
        AssertClose(TestData.Floats("test_probabilities.bin"), outputs, 1e-5f);
    }

    [Fact]
    public void PyTorch_explicit_module_names_give_the_same_network()
    {
        var options = new PyTorchLoadOptions
        {
            Flatten = PyTorchFlatten.ChannelsLast,
            ModuleNames = new System.Collections.Generic.Dictionary<string, string> { ["conv2d"] = "c1", ["conv2d_1"] = "c2", ["dense"] = "fc" },
        };
        AssertClose(Reference.Value, TestData.Classify(DigitsNet.LoadPyTorch(TestData.File("pytorch_state_dict.safetensors"), options)), 1e-6f);
    }

    [Fact]
    public void Float16_is_converted_and_close()
    {
        var outputs = TestData.Classify(DigitsNet.Load(TestData.File("weights_float16.npz")));
        AssertClose(Reference.Value, outputs, 2e-2f);
        Assert.InRange(TestData.Correct(outputs), 520, 535);
    }

    [Theory]
    [InlineData("weights.npz")]
    [InlineData("weights.safetensors")]
    [InlineData("weights.bin")]
    [InlineData("digits.weights.h5")]
    public void Stream_overloads_read_seekable_and_forward_only_streams(string file)
    {
        using (var stream = File.OpenRead(TestData.File(file)))
            AssertClose(Reference.Value, TestData.Classify(DigitsNet.Load(stream, file)), 1e-6f);
        // Without a name the format is told from the first bytes.
        using (var forwardOnly = new ForwardOnlyStream(TestData.Bytes(file)))
            AssertClose(Reference.Value, TestData.Classify(DigitsNet.Load(forwardOnly)), 1e-6f);
    }

    [Fact]
    public void PyTorch_stream_overload()
    {
        using var stream = File.OpenRead(TestData.File("pytorch_state_dict.safetensors"));
        AssertClose(Reference.Value, TestData.Classify(DigitsNet.LoadPyTorch(stream, DigitsPyTorch)), 1e-6f);
    }

    [Fact]
    public void Weights_list_is_the_digits_json_list_in_Keras_order()
    {
        var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(TestData.File("digits.json")));
        var expected = json.RootElement.GetProperty("weights").EnumerateArray()
            .Select(w => (w.GetProperty("name").GetString()!, string.Join(",", w.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32())))).ToArray();
        var actual = DigitsNet.Weights.Select(w => (w.Name, string.Join(",", w.Shape))).ToArray();
        Assert.Equal(expected, actual);
        Assert.Equal(DigitsNet.ParameterCount, DigitsNet.Weights.Sum(w => w.Count));
        Assert.Equal(new long[] { 0, 144, 160, 4768, 4800, 9920 }, DigitsNet.Weights.Select(w => w.Offset));
        Assert.Equal("layers/conv2d_1", DigitsNet.Weights[2].StoragePath);
        Assert.Equal(new[] { 4, 4, 32 }, DigitsNet.Weights[4].FlattenedFrom);
        Assert.Null(DigitsNet.Weights[5].FlattenedFrom);
    }

    internal static void AssertClose(float[] expected, float[] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        float worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        Assert.True(worst <= tolerance, $"largest difference {worst:E2} > {tolerance:E0}");
    }

    /// <summary>A stream that cannot seek, like a network response.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => base.Position; set => throw new NotSupportedException(); }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    }
}
