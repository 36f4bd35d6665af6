using System.Text.Json;
using ShapeGen.Tests.Infrastructure;

namespace ShapeGen.Tests.Forward;

/// <summary>The networks of <see cref="SmallConvolutionTests"/>, compiled once.</summary>
public sealed class SmallConvolutionFixture() : SpecCasesFixture("Small.Convolutions", "ShapeGen.SmallConvolutions", SmallConvolutionTests.Specs.Keys, SmallConvolutionTests.Spec);

/// <summary>
/// The few-filter kernels (one input channel with 1, 2 or 4 filters: pixels × filters per vector; four input channels
/// with up to four filters: filters × channels per vector; Dense on one position) against the naive reference: padding,
/// strides, dilations, rows wider than one block, partial pixel groups, BatchNormalization folded into them, fused and
/// unfused activations, 1D layers, the caller's input read directly.
/// </summary>
public sealed class SmallConvolutionTests : IClassFixture<SmallConvolutionFixture>
{
    private readonly SmallConvolutionFixture _fixture;

    public SmallConvolutionTests(SmallConvolutionFixture fixture) => _fixture = fixture;

    public static readonly IReadOnlyDictionary<string, string> Specs = new Dictionary<string, string>
    {
        ["StridePaddingZoo"] = """{"input": [20, 10, 1], "layers": [{"type": "Conv2D", "filters": 4, "kernel": 4, "padding": "same"}, {"type": "Conv2D", "filters": 4, "kernel": 4, "padding": "same", "strides": 3}, {"type": "MaxPooling2D", "pool": 2, "padding": "same", "strides": 3}, {"type": "ZeroPadding2D", "padding": [[1, 0], [0, 1]]}, {"type": "Conv2D", "filters": 3, "kernel": [2, 1], "activation": "tanh"}, {"type": "Flatten"}, {"type": "Dense", "units": 5, "activation": "sigmoid"}]}""",
        ["PixelSobelSame"] = """{"input": [10, 10, 1], "layers": [{"type": "Conv2D", "filters": 1, "kernel": 3, "padding": "same", "useBias": false}]}""",
        ["PixelTwoFilters"] = """{"input": [11, 23, 1], "layers": [{"type": "Conv2D", "filters": 2, "kernel": [3, 5], "padding": "same", "strides": [2, 1], "activation": "sigmoid"}, {"type": "Conv2D", "filters": 1, "kernel": 3, "activation": "relu"}]}""",
        ["PixelFourDilated"] = """{"input": [16, 40, 1], "layers": [{"type": "Conv2D", "filters": 4, "kernel": 3, "padding": "same", "dilation": 2, "activation": "relu6"}, {"type": "Conv2D", "filters": 4, "kernel": 3, "padding": "same", "strides": 2}, {"type": "BatchNormalization"}, {"type": "Flatten"}, {"type": "Dense", "units": 7, "activation": "tanh"}]}""",
        ["PixelWideRow"] = """{"input": [6, 70, 1], "layers": [{"type": "Conv2D", "filters": 4, "kernel": 3, "padding": "same", "activation": "tanh"}, {"type": "Conv2D", "filters": 2, "kernel": 1}, {"type": "Flatten"}, {"type": "Dense", "units": 3, "activation": "sigmoid"}]}""",
        ["PixelStrideHeight"] = """{"input": [13, 13, 1], "layers": [{"type": "Conv2D", "filters": 4, "kernel": 4, "padding": "same", "strides": [3, 1], "activation": "elu"}, {"type": "Conv2D", "filters": 1, "kernel": [2, 3], "padding": "same", "strides": [1, 2]}]}""",
        ["PixelBatchNorm"] = """{"input": [9, 9, 1], "layers": [{"type": "Conv2D", "filters": 2, "kernel": 3, "useBias": false}, {"type": "BatchNormalization"}, {"type": "ReLU"}, {"type": "MaxPooling2D", "pool": 2}]}""",
        ["Pixel1D"] = """{"input": [50, 1], "layers": [{"type": "Conv1D", "filters": 4, "kernel": 5, "padding": "same", "activation": "elu"}, {"type": "Conv1D", "filters": 2, "kernel": 3, "strides": 2}, {"type": "Flatten"}, {"type": "Dense", "units": 16, "activation": "softmax"}]}""",
        ["PixelChain"] = """{"input": [12, 9, 1], "layers": [{"type": "Conv2D", "filters": 1, "kernel": 3, "padding": "same", "activation": "tanh"}, {"type": "Conv2D", "filters": 4, "kernel": 2, "padding": "same"}, {"type": "Conv2D", "filters": 4, "kernel": 3, "padding": "same", "activation": "sigmoid"}, {"type": "Conv2D", "filters": 2, "kernel": 3}]}""",
        ["BlockStrides"] = """{"input": [15, 11, 4], "layers": [{"type": "Conv2D", "filters": 3, "kernel": [3, 2], "padding": "same", "strides": [2, 3], "activation": "tanh"}, {"type": "Conv2D", "filters": 5, "kernel": 2}]}""",
        ["BlockValidInput"] = """{"input": [7, 9, 4], "layers": [{"type": "Conv2D", "filters": 4, "kernel": 3, "activation": "sigmoid"}, {"type": "Conv2D", "filters": 1, "kernel": 2, "dilation": 2, "activation": "relu"}]}""",
        ["BlockOddPixels"] = """{"input": [5, 5, 4], "layers": [{"type": "Conv2D", "filters": 2, "kernel": 3, "padding": "same", "dilation": [2, 1]}, {"type": "Flatten"}, {"type": "Dense", "units": 4}]}""",
        ["BlockBatchNormSelu"] = """{"input": [6, 6, 4], "layers": [{"type": "Conv2D", "filters": 3, "kernel": 1, "useBias": false}, {"type": "BatchNormalization"}, {"type": "Activation", "activation": "selu"}]}""",
        ["Block1D"] = """{"input": [30, 4], "layers": [{"type": "Conv1D", "filters": 3, "kernel": 4, "padding": "same", "strides": 2, "activation": "relu"}, {"type": "Flatten"}, {"type": "Dense", "units": 5, "activation": "sigmoid"}]}""",
        ["DenseChain"] = """{"input": [20], "layers": [{"type": "Dense", "units": 9, "activation": "relu6"}, {"type": "Dense", "units": 16, "activation": "tanh"}, {"type": "Dense", "units": 1, "activation": "sigmoid"}]}""",
    };

    public static IEnumerable<object[]> Cases => Specs.Keys.Select(n => new object[] { n });

    public static JsonElement Spec(string name) => JsonDocument.Parse(Specs[name]).RootElement;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_the_naive_reference(string name)
    {
        var network = _fixture[name];
        var random = new Random(name.Length * 7919 + name[0]);
        var weights = RandomWeights.For(network.Layers, network.ParameterCount, random);
        var instance = network.Create(weights);
        for (int sample = 0; sample < 3; sample++)
        {
            var input = Enumerable.Range(0, network.InputSize).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
            var expected = NaiveReference.Run(Spec(name), weights, input);
            // Run twice: buffers whose zero border is kept from allocation must still be right on later calls.
            network.Forward(instance, input);
            OutputAssert.Close(expected, network.Forward(instance, input), $"{name} sample {sample}", relative: 1e-4, absolute: 1e-5);
        }
    }
}
