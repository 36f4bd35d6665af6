using System.Text.Json;
using ShapeGen.Tests.Infrastructure;

namespace ShapeGen.Tests.Forward;

/// <summary>The networks of <see cref="DepthwisePairTests"/>, compiled once.</summary>
public sealed class DepthwisePairFixture() : SpecCasesFixture("DepthwisePair.Networks", "ShapeGen.DepthwisePairNetworks", DepthwisePairTests.Cases.Keys, DepthwisePairTests.Spec);

/// <summary>
/// Depthwise convolutions that run two channel vectors per pass (AVX-512: 2 × 16 channels, twice the accumulators).
/// Against the naive (double) reference, serial and split over threads: strides 1 and 2, a pair and a single vector
/// left over, a channel tail past the last vector (after a depth multiplier), a 5×5 kernel, a row shorter than a block;
/// and a kernel that keeps one vector per pass (fewer than 32 channels).
/// </summary>
public sealed class DepthwisePairTests : IClassFixture<DepthwisePairFixture>
{
    private readonly DepthwisePairFixture _fixture;

    public DepthwisePairTests(DepthwisePairFixture fixture) => _fixture = fixture;

    /// <summary>Each case with the 512-bit depthwise kernel's channel loops: pairs up to this channel (0: none), single vectors up to the last whole vector.</summary>
    public static readonly IReadOnlyDictionary<string, (int PairEnd, int VectorEnd, string Spec)> Cases = new Dictionary<string, (int, int, string)>
    {
        // MobileNet's stride-2 block: 64 channels, two pairs; 'same' on an even size pads only the bottom and right.
        ["Stride2"] = (64, 64, """{"input": [14, 20, 64], "layers": [{"type": "DepthwiseConv2D", "kernel": 3, "padding": "same", "strides": 2, "activation": "relu"}, {"type": "Conv2D", "filters": 16, "kernel": 1}]}"""),
        // Stride 1 over 48 channels: one pair, then one vector; 13 columns (a block of 8 and one of 5).
        ["PairAndVector"] = (32, 48, """{"input": [9, 13, 48], "layers": [{"type": "DepthwiseConv2D", "kernel": 3, "padding": "same", "activation": "relu6"}]}"""),
        // 40 channels: a pair and 8 channels one by one; a depth multiplier of 2 reads each input channel twice.
        ["ChannelTail"] = (32, 32, """{"input": [7, 10, 20], "layers": [{"type": "DepthwiseConv2D", "kernel": 3, "padding": "valid", "depthMultiplier": 2}]}"""),
        // A 5×5 kernel, stride 2, on rows of 6 outputs (one short block).
        ["Wide5x5"] = (32, 32, """{"input": [12, 12, 32], "layers": [{"type": "DepthwiseConv2D", "kernel": 5, "padding": "same", "strides": 2, "activation": "tanh"}]}"""),
        // 16 channels: a single vector per pass.
        ["OneVector"] = (0, 16, """{"input": [10, 10, 16], "layers": [{"type": "DepthwiseConv2D", "kernel": 3, "padding": "same"}]}"""),
    };

    public static IEnumerable<object[]> CaseNames => Cases.Keys.Select(n => new object[] { n });

    public static JsonElement Spec(string name) => JsonDocument.Parse(Cases[name].Spec).RootElement;

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Forward_matches_the_naive_reference_serial_and_split(string name)
        => KernelCaseAssert.MatchesReferenceSerialAndSplit(_fixture[name], Spec(name), name);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Channels_run_in_pairs_of_vectors_where_the_registers_allow(string name)
    {
        string source = _fixture.GeneratedSource(name);
        string kernel = GeneratedMethods.First(source, @"private static void Step\d+_Depthwise_512");
        Assert.NotEmpty(kernel);
        var (pairEnd, vectorEnd, _) = Cases[name];
        Assert.Equal(pairEnd > 0, kernel.Contains($"for (int c = 0; c < {pairEnd}; c += 32)", StringComparison.Ordinal));
        Assert.Equal(pairEnd < vectorEnd, kernel.Contains($"for (int c = {pairEnd}; c < VectorEnd; c += 16)", StringComparison.Ordinal));
        Assert.Equal(pairEnd > 0, kernel.Contains("var a0_1 = b_1;", StringComparison.Ordinal));
    }
}
