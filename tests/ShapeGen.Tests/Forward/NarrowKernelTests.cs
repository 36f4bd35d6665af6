using System.Text.Json;
using ShapeGen.Generators.Engine;
using ShapeGen.Generators.Generation.Forward;
using ShapeGen.Tests.Infrastructure;

namespace ShapeGen.Tests.Forward;

/// <summary>The networks of <see cref="NarrowKernelTests"/>, compiled once.</summary>
public sealed class NarrowKernelFixture() : SpecCasesFixture("NarrowKernel.Networks", "ShapeGen.NarrowKernelNetworks", NarrowKernelTests.Cases.Keys, NarrowKernelTests.Spec);

/// <summary>
/// Schedules only the 16-register widths (AVX2, SSE) use: depthwise layers walking down strips of columns when their
/// input rows exceed L1, depthwise kernel rows spelled out (up to 3) instead of looped, and a 1×1 convolution whose
/// output exceeds L2 run in bands of rows with the depthwise layer after it. Against the naive (double) reference, serial and split over threads (several threads run the plain
/// order, one thread the bands, so the bit-equality checks the two schedules against each other). On an AVX-512 machine
/// these kernels run in test.sh's 256- and 128-bit passes.
/// </summary>
public sealed class NarrowKernelTests : IClassFixture<NarrowKernelFixture>
{
    private readonly NarrowKernelFixture _fixture;

    public NarrowKernelTests(NarrowKernelFixture fixture) => _fixture = fixture;

    /// <summary>Each case with the schedule its 256-bit code must use.</summary>
    public static readonly IReadOnlyDictionary<string, (bool Strips, bool Bands, string Spec)> Cases = new Dictionary<string, (bool, bool, string)>
    {
        // Stride 2, 72 channels (9 vectors of 8): padded rows of 43 × 72 floats, 37 KB for three; 21 output columns (8, 8, then 5).
        ["StripsStride2"] = (true, false, """{"input": [10, 41, 72], "layers": [{"type": "DepthwiseConv2D", "kernel": 3, "padding": "same", "strides": 2, "activation": "relu"}]}"""),
        // Stride 1, 100 channels: 12 vectors and 4 channels one by one; 30 columns (three blocks of 8, then 6).
        ["StripsChannelTail"] = (true, false, """{"input": [6, 30, 100], "layers": [{"type": "DepthwiseConv2D", "kernel": 3, "padding": "same", "activation": "relu6"}]}"""),
        // Narrow rows: three input rows fit L1, so the plain row order.
        ["RowsFitL1"] = (false, false, """{"input": [8, 12, 40], "layers": [{"type": "DepthwiseConv2D", "kernel": 3, "padding": "same", "strides": 2}]}"""),
        // 40 × 40 × 96 outputs (600 KB, more than L2) into a 'same' depthwise layer: a frame with a top border, 2 rows first;
        // its padded rows (42 × 96 floats) also make it walk strips.
        ["BandsSame"] = (true, true, """{"input": [40, 40, 8], "layers": [{"type": "Conv2D", "filters": 96, "kernel": 1, "activation": "relu"}, {"type": "DepthwiseConv2D", "kernel": 3, "padding": "same", "activation": "relu"}, {"type": "Conv2D", "filters": 8, "kernel": 1}]}"""),
        // Stride 2, 'valid', a depth of 100 (a channel tail) and a 5×5 kernel: 5 rows first, then 2 per output row.
        ["BandsStride2Valid"] = (true, true, """{"input": [37, 37, 12], "layers": [{"type": "Conv2D", "filters": 100, "kernel": 1, "useBias": false}, {"type": "BatchNormalization"}, {"type": "ReLU"}, {"type": "DepthwiseConv2D", "kernel": 5, "strides": 2}]}"""),
        // The same convolution with a tanh (an activation pass after it): no bands.
        ["NoBandsWithActivationPass"] = (true, false, """{"input": [40, 40, 8], "layers": [{"type": "Conv2D", "filters": 96, "kernel": 1, "activation": "tanh"}, {"type": "DepthwiseConv2D", "kernel": 3, "padding": "same"}]}"""),
    };

    public static IEnumerable<object[]> CaseNames => Cases.Keys.Select(n => new object[] { n });

    public static JsonElement Spec(string name) => JsonDocument.Parse(Cases[name].Spec).RootElement;

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Forward_matches_the_naive_reference_serial_and_split(string name)
        => KernelCaseAssert.MatchesReferenceSerialAndSplit(_fixture[name], Spec(name), name);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void The_256_bit_code_uses_strips_and_bands_where_planned_and_the_512_bit_code_never(string name)
    {
        string source = _fixture.GeneratedSource(name);
        var (strips, bands, _) = Cases[name];
        string Method(string pattern) => GeneratedMethods.First(source, pattern);
        string depthwise256 = Method(@"private static void Step\d+_Depthwise_256");
        string depthwise512 = Method(@"private static void Step\d+_Depthwise_512");
        Assert.NotEmpty(depthwise256);
        Assert.Equal(strips, depthwise256.Contains("for (int ox0 = 0;", StringComparison.Ordinal));
        Assert.DoesNotContain("ox0", depthwise512, StringComparison.Ordinal);
        string run256 = Method("private static void Run256"), run512 = Method("private static void Run512");
        Assert.Equal(bands, run256.Contains("in bands of rows", StringComparison.Ordinal));
        Assert.DoesNotContain("in bands of rows", run512, StringComparison.Ordinal);
        // The profiled pass runs the same schedule as Forward.
        Assert.Equal(bands, Method("private static void Profile256").Contains("in bands of rows", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void The_256_bit_depthwise_code_spells_out_kernel_rows_up_to_3_and_the_512_bit_code_loops_over_them(string name)
    {
        string source = _fixture.GeneratedSource(name);
        int kernelRows = Spec(name).GetProperty("layers").EnumerateArray()
            .Single(layer => layer.GetProperty("type").GetString() == "DepthwiseConv2D").GetProperty("kernel").GetInt32();
        string depthwise256 = GeneratedMethods.First(source, @"private static void Step\d+_Depthwise_256");
        string depthwise512 = GeneratedMethods.First(source, @"private static void Step\d+_Depthwise_512");
        bool spelledOut = kernelRows <= 3;
        Assert.Equal(spelledOut, depthwise256.Contains($"// kernel row {kernelRows - 1}", StringComparison.Ordinal));
        Assert.Equal(spelledOut, depthwise256.Contains("nint c = ", StringComparison.Ordinal));
        Assert.DoesNotContain("// kernel row", depthwise512, StringComparison.Ordinal);
        Assert.DoesNotContain("nint c = ", depthwise512, StringComparison.Ordinal);
    }

    [Fact]
    public void Bands_are_refused_when_a_depthwise_row_would_overwrite_convolution_input_still_to_be_read()
    {
        var width = VectorWidth.All.Single(v => v.Bits == 256);
        // A 1×1 convolution 4 → 400 channels over 40 × 10 pixels (640 KB out), reading slot0; the depthwise layer after it
        // writes 4000 floats per row. Written into slot0, its first row would cover input rows 2 to 99 before the
        // convolution has read them.
        var convolution = new ConvolutionStep(InRow: 10, Channels: 4, OutH: 40, OutW: 10, Filters: 400, PaddedFilters: 400,
            KernelH: 1, KernelW: 1, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, KernelOffset: 0, BiasOffset: 1600)
        {
            Sources = ["slot0"], Destination = "slot1", OutputElements = 40 * 10 * 400, Activation = ActivationKind.Relu,
        };
        DepthwiseStep Depthwise(string destination) => new(InRow: 10, Channels: 400, PaddedChannels: 400, OutH: 38, OutW: 8,
            KernelH: 3, KernelW: 3, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, KernelOffset: 2000, BiasOffset: 5600)
        {
            Sources = ["slot1"], Destination = destination, OutputElements = 38 * 8 * 400, Activation = ActivationKind.Relu,
        };
        Assert.False(RowBands.Interleaves(convolution, Depthwise("slot0"), width));
        Assert.True(RowBands.Interleaves(convolution, Depthwise("slot2"), width));
        // Output that fits L2, or the 512-bit width: never.
        Assert.False(RowBands.Interleaves(convolution with { OutH = 8, OutputElements = 8 * 10 * 400 }, Depthwise("slot2") with { OutH = 6 }, width));
        Assert.False(RowBands.Interleaves(convolution, Depthwise("slot2"), VectorWidth.All.Single(v => v.Bits == 512)));
    }
}
