using System.Text.Json;
using System.Text.RegularExpressions;
using ShapeGen.Tests.Infrastructure;

namespace ShapeGen.Tests.Forward;

/// <summary>The networks of <see cref="WinogradTests"/>, compiled once.</summary>
public sealed class WinogradFixture() : SpecCasesFixture("Winograd.Convolutions", "ShapeGen.WinogradConvolutions", WinogradTests.Cases.Keys, WinogradTests.Spec);

/// <summary>
/// 3×3 convolutions computed by Winograd F(2×2, 3×3) against the naive (double) reference: 'same' padding read from a
/// copy and from the previous Winograd layer's zero frame, 'valid' padding, filters in blocks of 64, a kernel larger
/// than L2, BatchNormalization folded into the transformed kernel, fused and unfused activations, bands of one tile
/// row, of several, and one band for a whole narrow image, odd output sizes; and the layers that must stay direct (few
/// channels, strides, the caller's input).
/// </summary>
public sealed class WinogradTests : IClassFixture<WinogradFixture>
{
    private readonly WinogradFixture _fixture;

    public WinogradTests(WinogradFixture fixture) => _fixture = fixture;

    /// <summary>Each case with the number of its layers that run by Winograd (the rest must stay direct).</summary>
    public static readonly IReadOnlyDictionary<string, (int Winograd, string Spec)> Cases = new Dictionary<string, (int, string)>
    {
        // 16 → 64 from a padded copy, then 64 → 64 from the first one's zero frame (the Winograd output written framed).
        ["SameChain"] = (2, """{"input": [12, 10, 16], "layers": [{"type": "Conv2D", "filters": 64, "kernel": 3, "padding": "same", "activation": "relu"}, {"type": "Conv2D", "filters": 64, "kernel": 3, "padding": "same", "activation": "relu6"}]}"""),
        // 'valid' (after a direct 32-filter layer), 128 filters in two blocks, BatchNormalization folded into the transformed
        // kernel, tanh as a pass; then, after a pool and ZeroPadding2D, a layer of 4×3 tiles in one band.
        ["ValidBatchNorm"] = (2, """{"input": [14, 18, 32], "layers": [{"type": "Conv2D", "filters": 32, "kernel": 3, "padding": "same"}, {"type": "Conv2D", "filters": 128, "kernel": 3, "useBias": false}, {"type": "BatchNormalization"}, {"type": "Activation", "activation": "tanh"}, {"type": "MaxPooling2D", "pool": 2}, {"type": "ZeroPadding2D", "padding": 1}, {"type": "Conv2D", "filters": 64, "kernel": 3, "activation": "sigmoid"}, {"type": "Flatten"}, {"type": "Dense", "units": 6}]}"""),
        // 16 → 256 on 6×6 (3×3 tiles), then 256 → 256: a 4 MB transformed kernel, written into the next layer's frame;
        // then 192 filters (three blocks) with elu as a pass.
        ["WideKernel"] = (3, """{"input": [6, 6, 16], "layers": [{"type": "Conv2D", "filters": 256, "kernel": 3, "padding": "same", "activation": "relu"}, {"type": "Conv2D", "filters": 256, "kernel": 3, "padding": "same"}, {"type": "Conv2D", "filters": 192, "kernel": 3, "padding": "same", "activation": "elu"}]}"""),
        // 32×32 outputs, 64 → 128: 16 tiles per row of tiles, and two rows' scratch over the band budget, so bands of one row.
        ["WideRows"] = (1, """{"input": [32, 32, 64], "layers": [{"type": "Conv2D", "filters": 128, "kernel": 3, "padding": "same", "activation": "relu"}]}"""),
        // Odd output sizes (one more row and column of tiles, only their top and left outputs stored): 11×11 from a
        // padded copy of the caller's input (one extra zero row and column), 11×11 'same' from that layer's frame, 9×9
        // 'valid' from the second one's frame, then a pool and Dense.
        ["OddSizes"] = (3, """{"input": [13, 13, 32], "layers": [{"type": "Conv2D", "filters": 64, "kernel": 3, "activation": "relu"}, {"type": "Conv2D", "filters": 64, "kernel": 3, "padding": "same", "activation": "relu"}, {"type": "Conv2D", "filters": 64, "kernel": 3}, {"type": "MaxPooling2D", "pool": 2}, {"type": "Flatten"}, {"type": "Dense", "units": 5}]}"""),
        // Odd width only: 10×13 'same', then 8×11 'valid' after it.
        ["OddWidth"] = (2, """{"input": [10, 13, 16], "layers": [{"type": "Conv2D", "filters": 64, "kernel": 3, "padding": "same", "activation": "relu"}, {"type": "Conv2D", "filters": 64, "kernel": 3, "activation": "relu6"}]}"""),
        // Stay direct: 3×3 outputs from 256 channels (4 tiles of 16 multiplies for 9 outputs of 9: too little saved).
        ["SmallOdd"] = (0, """{"input": [5, 5, 256], "layers": [{"type": "Conv2D", "filters": 64, "kernel": 3, "activation": "relu"}, {"type": "Conv2D", "filters": 128, "kernel": 3}]}"""),
        // Stay direct: the caller's input read directly (10×10 'valid', no padding needed), stride 2, dilation 2,
        // 8 channels, 48 filters.
        ["StaysDirect"] = (0, """{"input": [12, 12, 32], "layers": [{"type": "Conv2D", "filters": 64, "kernel": 3, "activation": "relu"}, {"type": "Conv2D", "filters": 64, "kernel": 3, "padding": "same", "strides": 2}, {"type": "Conv2D", "filters": 8, "kernel": 3, "padding": "same", "dilation": 2}, {"type": "Conv2D", "filters": 64, "kernel": 3, "padding": "same"}, {"type": "Conv2D", "filters": 48, "kernel": 3, "padding": "same"}]}"""),
    };

    public static IEnumerable<object[]> CaseNames => Cases.Keys.Select(n => new object[] { n });

    public static JsonElement Spec(string name) => JsonDocument.Parse(Cases[name].Spec).RootElement;

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Forward_matches_the_naive_reference(string name)
        => KernelCaseAssert.MatchesReferenceSerialAndSplit(_fixture[name], Spec(name), name);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Exactly_the_qualifying_layers_run_by_Winograd(string name)
    {
        string source = _fixture.GeneratedSource(name);
        // One kernel method per Winograd layer and vector width (512, 256, 128).
        int kernels = Regex.Matches(source, @"private static void Step\d+_Winograd_\d+\(").Count;
        Assert.Equal(3 * Cases[name].Winograd, kernels);
    }

    [Fact]
    public void Every_layer_spreads_its_rows_of_tiles_over_the_whole_shared_scratch()
    {
        // So that a thread taking the same share of rows in every layer writes the same share of the scratch each time.
        string source = _fixture.GeneratedSource("ValidBatchNorm");
        int inputBuffer = Constant(source, "WinogradProductsOffset") - Constant(source, "WinogradInputOffset");
        var kernels = GeneratedMethods.All(source, @"private static void Step\d+_Winograd_512");
        Assert.Equal(2, kernels.Length);
        Assert.NotEqual(Constant(kernels[0], "TileRows"), Constant(kernels[1], "TileRows"));
        foreach (var kernel in kernels)
        {
            int rows = Constant(kernel, "TileRows"), spacing = Constant(kernel, "InputRowSpacing");
            Assert.Equal(0, spacing % 16);
            Assert.InRange(rows * spacing, inputBuffer - rows * 16 - 16, inputBuffer);
        }
    }

    [Fact]
    public void Bands_hold_at_least_16_tiles_or_the_whole_image()
    {
        // Every band streams all 16 positions' transformed kernels, so a band of a few tiles would read a wide layer's
        // megabytes of kernels once per band: WideKernel's 256 → 256 layer (3×3 tiles, one row's scratch already over
        // the band budget) used to run in three bands of 3 tiles.
        var bands = new List<(string Case, int Rows, int Columns, int Band)>();
        foreach (string name in Cases.Keys)
        {
            foreach (string kernel in GeneratedMethods.All(_fixture.GeneratedSource(name), @"private static void Step\d+_Winograd_512"))
                bands.Add((name, Constant(kernel, "TileRows"), Constant(kernel, "TileColumns"), Constant(kernel, "BandRows")));
        }
        Assert.Equal(Cases.Values.Sum(c => c.Winograd), bands.Count);
        foreach (var (name, rows, columns, band) in bands)
        {
            Assert.Equal(0, rows % band);
            Assert.True(band == rows || band * columns >= 16, $"{name}: bands of {band} of {rows} rows × {columns} tiles");
        }
        Assert.Contains(("WideKernel", 3, 3, 3), bands);
        Assert.Contains(("WideRows", 16, 16, 1), bands); // the scratch budget still splits a wide image into bands
        Assert.Contains(bands, b => b.Band > 1 && b.Band < b.Rows);
    }

    private static int Constant(string text, string name)
        => int.Parse(Regex.Match(text, $@"const int {name} = (\d+);").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void The_transformed_kernel_is_packed_once_per_position_and_the_scratch_planes_are_not_a_power_of_two_apart()
    {
        string source = _fixture.GeneratedSource("WideKernel");
        Assert.Contains("WeightPacking.WinogradKernel(", source);
        Assert.Contains("for (int position = 0; position < 16; position++) global::ShapeGen.Runtime.WeightPacking.BlockColumns(", source);
        foreach (Match plane in Regex.Matches(source, @"const int (?:InputPlane|ProductsPlane) = (\d+);"))
        {
            int floats = int.Parse(plane.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(0, floats % 16); // whole cache lines…
            Assert.False((floats & (floats - 1)) == 0, $"{floats} floats is a power of two"); // …but not a power of two
        }
    }
}
