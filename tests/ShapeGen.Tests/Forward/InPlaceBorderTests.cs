using System.Text.Json;
using System.Text.RegularExpressions;
using ShapeGen.Tests.Infrastructure;

namespace ShapeGen.Tests.Forward;

/// <summary>The networks of <see cref="InPlaceBorderTests"/>, compiled once.</summary>
public sealed class InPlaceBorderFixture() : SpecCasesFixture("InPlaceBorder.Convolutions", "ShapeGen.InPlaceBorderConvolutions", InPlaceBorderTests.Cases.Keys, InPlaceBorderTests.Spec);

/// <summary>
/// Convolutions that add the zero padding of the caller's input themselves instead of copying it into a padded buffer
/// (<c>InputBorder</c>): kernel rows above and below the input skipped, the blocks at the ends of a row reading zero
/// outside it. Against the naive (double) reference: padding on every side and on the bottom and right only, strides,
/// a 5×5 kernel wider than the image (every block an edge block), Conv1D, filter tails and blocks of 64, a kernel larger
/// than L2 (filter chunks outermost), rows split over threads; and the layer that must keep its padded copy (dilation
/// across the row).
/// </summary>
public sealed class InPlaceBorderTests : IClassFixture<InPlaceBorderFixture>
{
    private readonly InPlaceBorderFixture _fixture;

    public InPlaceBorderTests(InPlaceBorderFixture fixture) => _fixture = fixture;

    /// <summary>Each case with whether its first layer keeps a padded copy of the input.</summary>
    public static readonly IReadOnlyDictionary<string, (bool Copies, string Spec)> Cases = new Dictionary<string, (bool, string)>
    {
        // MobileNet's stem: 'same', stride 2 on an even width pads only the right (0 left, 1 right) and here, on an odd
        // height, one row above and one below.
        ["Stride2Stem"] = (false, """{"input": [15, 16, 3], "layers": [{"type": "Conv2D", "filters": 32, "kernel": 3, "padding": "same", "strides": 2, "activation": "relu"}, {"type": "GlobalAveragePooling2D"}, {"type": "Dense", "units": 5}]}"""),
        // 'same', stride 1: a column on each side, edge blocks at both ends of a 30-pixel row; 24 filters (a vector and a
        // partial one at 512 bits).
        ["AllSides"] = (false, """{"input": [9, 30, 3], "layers": [{"type": "Conv2D", "filters": 24, "kernel": 3, "padding": "same", "activation": "relu6"}, {"type": "Conv2D", "filters": 16, "kernel": 3, "padding": "same"}]}"""),
        // A 5×5 kernel on a 7×5 image: two columns of padding each side, wider than the row has inside columns.
        ["WideKernel"] = (false, """{"input": [7, 5, 4], "layers": [{"type": "Conv2D", "filters": 16, "kernel": 5, "padding": "same", "activation": "tanh"}, {"type": "Flatten"}, {"type": "Dense", "units": 3}]}"""),
        // Asymmetric 'same' for an even 1D kernel (one before, two after), then stride 2.
        ["Conv1D"] = (false, """{"input": [20, 6], "layers": [{"type": "Conv1D", "filters": 32, "kernel": 4, "padding": "same", "activation": "relu"}, {"type": "Conv1D", "filters": 16, "kernel": 3, "padding": "same", "strides": 2}]}"""),
        // 192 filters in blocks of 64, stride 2 with padding on every side of an odd image.
        ["FilterBlocks"] = (false, """{"input": [11, 13, 8], "layers": [{"type": "Conv2D", "filters": 192, "kernel": 3, "padding": "same", "strides": 2, "activation": "relu"}]}"""),
        // A 590 KB kernel (9·64·256 floats): filter chunks outermost, each over every row.
        ["ChunksOutermost"] = (false, """{"input": [6, 7, 64], "layers": [{"type": "Conv2D", "filters": 256, "kernel": 3, "padding": "same", "strides": 2}]}"""),
        // Dilation across the row reads a kernel row's taps apart: that layer keeps its padded copy.
        ["DilatedCopy"] = (true, """{"input": [12, 12, 3], "layers": [{"type": "Conv2D", "filters": 16, "kernel": 3, "padding": "same", "dilation": 2}]}"""),
    };

    public static IEnumerable<object[]> CaseNames => Cases.Keys.Select(n => new object[] { n });

    public static JsonElement Spec(string name) => JsonDocument.Parse(Cases[name].Spec).RootElement;

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Forward_matches_the_naive_reference_serial_and_split(string name)
        => KernelCaseAssert.MatchesReferenceSerialAndSplit(_fixture[name], Spec(name), name);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void The_input_is_copied_only_when_the_kernel_cannot_read_it_in_place(string name)
    {
        string source = _fixture.GeneratedSource(name);
        int copies = Regex.Matches(source, @"private static void Step\d+_WindowCopy_\d+\(").Count;
        Assert.Equal(Cases[name].Copies ? 3 : 0, copies); // one kernel per vector width
        Assert.Equal(!Cases[name].Copies, source.Contains("zero padding read in place", StringComparison.Ordinal));
    }
}
