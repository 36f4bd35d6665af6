using System.Text.Json;
using System.Text.RegularExpressions;
using ShapeGen.Tests.Infrastructure;

namespace ShapeGen.Tests.Forward;

/// <summary>The networks of <see cref="WeightBlockTests"/>, compiled once.</summary>
public sealed class WeightBlockFixture() : SpecCasesFixture("WeightBlock.Networks", "ShapeGen.WeightBlockNetworks", WeightBlockTests.Cases.Keys, WeightBlockTests.Spec);

/// <summary>
/// A wide convolution (a multiple of 64 output channels after padding) keeps its weights in blocks of the
/// filter chunk the running vector width's kernel accumulates at once, so each chunk streams whole cache lines: the
/// constructor picks the block by the width <c>Run</c> dispatches to, and each width's kernel reads that layout. Against
/// the naive (double) reference serial and split; on an AVX-512 machine test.sh's 256- and 128-bit passes run the
/// narrower layouts.
/// </summary>
public sealed class WeightBlockTests : IClassFixture<WeightBlockFixture>
{
    private readonly WeightBlockFixture _fixture;

    public WeightBlockTests(WeightBlockFixture fixture) => _fixture = fixture;

    /// <summary>Each case with its wide layer's kernel method and the filters per block of the 512-, 256- and 128-bit code.</summary>
    public static readonly IReadOnlyDictionary<string, (string Kernel, int[] Blocks, string Spec)> Cases = new Dictionary<string, (string, int[], string)>
    {
        // Rows of 12 pixels: the 16-register widths' 6-pixel tile of 2 vectors (16 and 8 filters).
        ["Pointwise"] = ("Convolution", [64, 16, 8], """{"input": [6, 12, 24], "layers": [{"type": "Conv2D", "filters": 192, "kernel": 1, "activation": "relu"}]}"""),
        // 64 filters: one block is the whole matrix for the 512-bit kernel; the narrower widths still get theirs.
        ["OneWideBlock"] = ("Convolution", [64, 16, 8], """{"input": [7, 12, 8], "layers": [{"type": "Conv2D", "filters": 64, "kernel": 1, "activation": "relu6"}]}"""),
        // 120 filters padded to 128: seven 16-filter chunks and a tail of 8 inside the eighth block.
        ["FilterTail"] = ("Convolution", [64, 16, 8], """{"input": [5, 7, 16], "layers": [{"type": "Conv2D", "filters": 120, "kernel": 1, "useBias": false}, {"type": "BatchNormalization"}, {"type": "ReLU"}]}"""),
        // Rows of 4 pixels, too short for the 6-pixel tile: chunks of 4 vectors (32 and 16 filters), 3×3 taps.
        ["NarrowRows"] = ("Convolution", [64, 32, 16], """{"input": [4, 4, 8], "layers": [{"type": "Conv2D", "filters": 128, "kernel": 3, "padding": "same", "strides": 1, "dilation": 2, "activation": "relu"}]}"""),
        // Winograd products: chunks of 4 vectors whatever the width.
        ["Winograd"] = ("Winograd", [64, 32, 16], """{"input": [12, 12, 16], "layers": [{"type": "Conv2D", "filters": 16, "kernel": 3, "padding": "same", "activation": "relu"}, {"type": "Conv2D", "filters": 128, "kernel": 3, "padding": "same"}]}"""),
    };

    public static IEnumerable<object[]> CaseNames => Cases.Keys.Select(n => new object[] { n });

    public static JsonElement Spec(string name) => JsonDocument.Parse(Cases[name].Spec).RootElement;

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Forward_matches_the_naive_reference_serial_and_split(string name)
        => KernelCaseAssert.MatchesReferenceSerialAndSplit(_fixture[name], Spec(name), name);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void The_constructor_packs_blocks_of_the_running_widths_chunk_and_each_width_reads_its_own(string name)
    {
        string source = _fixture.GeneratedSource(name);
        var (kernel, blocks, _) = Cases[name];
        // One BlockColumns call, its size chosen in Run's order: 512-bit, else 256-bit, else 128-bit.
        string packing = Assert.Single(Regex.Matches(source, @"WeightPacking\.BlockColumns\(.*"), m => true).Value;
        Assert.Contains($"global::System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? {blocks[0]} : global::System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? {blocks[1]} : {blocks[2]});", packing);
        int[] widths = [512, 256, 128];
        for (int i = 0; i < widths.Length; i++)
        {
            // The width's kernel (for Winograd, its products method) steps through rows of one block.
            string method = GeneratedMethods.First(source, $@"private static void Step\d+_{kernel}_{widths[i]}{(kernel == "Winograd" ? "Products" : "")}");
            Assert.Contains($"const int RowStride = {blocks[i]};", method);
            // A chunk that is a whole block starts at f0 · (weights per filter); the tail of FilterTail is inside one.
            Assert.Matches(@"Unsafe\.Add\(ref kernel, f0 \* \d+ \+", method);
        }
    }
}
