using System.Text.Json;
using ShapeGen.Tests.Infrastructure;

namespace ShapeGen.Tests.Forward;

/// <summary>The networks of <see cref="RowPoolingTests"/>, compiled once.</summary>
public sealed class RowPoolingFixture() : SpecCasesFixture("RowPooling.Networks", "ShapeGen.RowPoolingNetworks", RowPoolingTests.Cases.Keys, RowPoolingTests.Spec);

/// <summary>
/// A global pooling folded into the convolution before it (<c>ConvolutionStep.PoolRows</c>): the convolution reduces
/// each output row as it computes it and never stores its image. Against the naive (double) reference, with rows shared
/// out over threads giving the serial result bit for bit: average and max, BatchNormalization and ReLU / ReLU6 fused
/// before the pooling, a kernel larger than L2 (filter chunks outermost), an odd width (a remainder block); and the
/// cases that keep the image: an activation applied as a pass, filters that are not whole vectors, a second reader.
/// </summary>
public sealed class RowPoolingTests : IClassFixture<RowPoolingFixture>
{
    private readonly RowPoolingFixture _fixture;

    public RowPoolingTests(RowPoolingFixture fixture) => _fixture = fixture;

    /// <summary>Each case with whether its global pooling runs in the convolution's rows.</summary>
    public static readonly IReadOnlyDictionary<string, (bool Pooled, string Spec)> Cases = new Dictionary<string, (bool, string)>
    {
        // MobileNet's head: 1×1 convolution, BatchNormalization, ReLU, global average, Dense.
        ["AverageHead"] = (true, """{"input": [9, 11, 32], "layers": [{"type": "Conv2D", "filters": 64, "kernel": 1, "useBias": false}, {"type": "BatchNormalization"}, {"type": "ReLU"}, {"type": "GlobalAveragePooling2D"}, {"type": "Dense", "units": 7}]}"""),
        // Max pooling after a 'same' 3×3 with ReLU6, 48 filters (a chunk of three vectors at 512 bits).
        ["MaxRelu6"] = (true, """{"input": [10, 13, 8], "layers": [{"type": "Conv2D", "filters": 48, "kernel": 3, "padding": "same", "activation": "relu6"}, {"type": "Conv2D", "filters": 32, "kernel": 3, "strides": 2}, {"type": "GlobalMaxPooling2D"}]}"""),
        // A 590 KB kernel (9·64·256 floats): filter chunks outermost, each over every row (stride 2, so not Winograd).
        ["ChunksOutermost"] = (true, """{"input": [9, 8, 64], "layers": [{"type": "Conv2D", "filters": 256, "kernel": 3, "strides": 2, "activation": "relu"}, {"type": "GlobalAveragePooling2D"}]}"""),
        // tanh runs as a pass over the stored image: the image is kept.
        ["TanhPass"] = (false, """{"input": [8, 8, 16], "layers": [{"type": "Conv2D", "filters": 32, "kernel": 3, "activation": "tanh"}, {"type": "GlobalAveragePooling2D"}]}"""),
        // 24 filters are not whole vectors at 512 bits: the image is kept.
        ["PartialVectors"] = (false, """{"input": [8, 8, 16], "layers": [{"type": "Conv2D", "filters": 24, "kernel": 3, "activation": "relu"}, {"type": "GlobalAveragePooling2D"}]}"""),
    };

    public static IEnumerable<object[]> CaseNames => Cases.Keys.Select(n => new object[] { n });

    public static JsonElement Spec(string name) => JsonDocument.Parse(Cases[name].Spec).RootElement;

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Forward_matches_the_naive_reference_serial_and_split(string name)
        => KernelCaseAssert.MatchesReferenceSerialAndSplit(_fixture[name], Spec(name), name);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void The_pooling_runs_in_the_convolution_rows_only_when_its_kernel_can(string name)
    {
        string source = _fixture.GeneratedSource(name);
        Assert.Equal(Cases[name].Pooled, source.Contains("for the global pooling", StringComparison.Ordinal));
        Assert.Equal(Cases[name].Pooled, source.Contains("row results", StringComparison.Ordinal));
    }
}
