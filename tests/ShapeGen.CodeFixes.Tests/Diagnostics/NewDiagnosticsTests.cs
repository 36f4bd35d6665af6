using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using ShapeGen.CodeFixes.Tests.Infrastructure;

namespace ShapeGen.CodeFixes.Tests.Diagnostics;

// SG0009, SG0010, SG0011: each at the exact attribute (markup; any other diagnostic fails the test, so the neighbours
// are checked to stay quiet), then the message on the same source.

public sealed class SG0011_UnevenSamePadding
{
    private static async Task MessageAsync(string source, params string[] fragments)
    {
        var diagnostic = Assert.Single(await Analysis.AnalyzeAsync(source), d => d.Id == "SG0011");
        Assert.Equal(DiagnosticSeverity.Info, diagnostic.Severity);
        foreach (var fragment in fragments) Assert.Contains(fragment, diagnostic.GetMessage());
    }

    private const string Strided = """
        [Input(32, 32, 3)]
        [{|SG0011:Conv2D(8, 3, Padding.Same, Stride = 2)|}]
        [Conv2D(8, 3, Padding.Same)]
        [GlobalAveragePooling2D]
        public partial class Net;
        """;

    [Fact]
    public Task Stride_2_on_an_even_size() => AnalyzerTest.RunAsync(Strided);

    [Fact]
    public Task Stride_2_message() => MessageAsync(Strided.Replace("{|SG0011:", "").Replace("|}", ""),
        "Conv2D 'conv2d'", "adds 1 row (0 above, 1 below) and 1 column (0 left, 1 right)", "bottom/right",
        "padding='same' does not allow a stride above 1", "nn.ZeroPad2d((0, 1, 0, 1))");

    [Fact]
    public Task Even_kernel_stride_1() => AnalyzerTest.RunAsync("""
        [Input(8, 8, 1)]
        [{|SG0011:Conv2D(4, 2, Padding.Same)|}]
        public partial class Net;
        """);

    [Fact]
    public Task Even_kernel_stride_1_message() => MessageAsync("""
        [Input(8, 8, 1)]
        [Conv2D(4, 2, Padding.Same)]
        public partial class Net;
        """, "PyTorch's padding='same' matches it (stride 1)");

    [Fact]
    public Task Pooling_message() => MessageAsync("""
        [Input(11, 11, 4)]
        [MaxPooling2D(2, Padding.Same)]
        public partial class Net;
        """, "MaxPooling2D 'max_pooling2d'", "pooling layers have no 'same'");

    [Fact]
    public Task Conv1D_message() => MessageAsync("""
        [Input(50, 2)]
        [Conv1D(4, 4, Padding.Same)]
        public partial class Net;
        """, "adds 3 steps (1 before, 2 after)", "at the end", "F.pad(x, (1, 2))");

    [Fact]
    public Task Even_splits_odd_kernels_and_valid_padding_are_silent() => AnalyzerTest.RunAsync("""
        [Input(33, 33, 3)]
        [Conv2D(8, 3, Padding.Same, Stride = 2)]
        [Conv2D(8, 5, Padding.Same)]
        [MaxPooling2D(3, Padding.Same, Stride = 1)]
        [Conv2D(8, 4)]
        public partial class Net;

        [Input(50, 2)]
        [Conv1D(4, 4, Padding.Causal)]
        public partial class Sequence;
        """);
}

public sealed class SG0009_DenseOnFeatureMap
{
    [Fact]
    public Task Dense_after_pooling_without_Flatten() => AnalyzerTest.RunAsync("""
        [Input(12, 12, 1)]
        [Conv2D(8, 3)]
        [MaxPooling2D(2)]
        [{|SG0009:Dense(10)|}]
        public partial class Net;
        """);

    [Fact]
    public async Task Message_names_the_positions_and_the_output()
    {
        var diagnostic = Assert.Single(await Analysis.AnalyzeAsync("""
            [Input(5, 5, 8)]
            [Dense(10)]
            public partial class Net;
            """));
        Assert.Equal("SG0009", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Info, diagnostic.Severity);
        string message = diagnostic.GetMessage();
        foreach (var fragment in new[] { "Dense 'dense'", "an image 5×5×8", "last axis only", "8→10", "25 positions", "output 5×5×10", "Insert [Flatten]" })
            Assert.Contains(fragment, message);
    }

    [Fact]
    public Task Dense_on_a_sequence_after_Flatten_or_flattened_later_is_silent() => AnalyzerTest.RunAsync("""
        [Input(50, 4)]
        [Dense(8)]
        public partial class PerStep;

        [Input(5, 5, 8)]
        [Flatten]
        [Dense(10)]
        public partial class Classifier;

        [Input(5, 5, 8)]
        [Dense(16)]
        [GlobalAveragePooling2D]
        [Dense(10)]
        public partial class PerPixelThenPooled;
        """);
}

public sealed class SG0010_NetworkTooLarge
{
    private static readonly Dictionary<string, string> Small = new()
    {
        ["shapegen.max_parameters"] = "1000",
        ["shapegen.max_activation_bytes"] = "50_000",
    };

    [Fact]
    public Task Default_limit_of_100_million_parameters() => AnalyzerTest.RunAsync("""
        [Input(10000)]
        [{|SG0010:Dense(20000)|}]
        public partial class Huge;

        [Input(224, 224, 3)]
        [Conv2D(64, 3, Padding.Same)]
        [MaxPooling2D(2)]
        [Flatten]
        [Dense(100)]
        public partial class Fine;
        """);

    [Fact]
    public async Task Parameters_over_the_configured_limit_on_the_largest_layer()
    {
        var diagnostics = await Analysis.AnalyzeAsync("""
            [Input(8, 8, 1)]
            [Conv2D(4, 3)]
            [Flatten]
            [Dense(10)]
            public partial class Net;
            """, Small);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("SG0010", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal("Dense(10)", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
        string message = diagnostic.GetMessage();
        foreach (var fragment in new[] { "1,490 parameters", "limit of 1,000 (shapegen.max_parameters)", "Dense 'dense' with 1,450", "shapegen.max_parameters = 1490" })
            Assert.Contains(fragment, message);
    }

    [Fact]
    public async Task Largest_activation_over_the_configured_limit()
    {
        var diagnostics = await Analysis.AnalyzeAsync("""
            [Input(28, 28, 1)]
            [Conv2D(32, 3)]
            [MaxPooling2D(2)]
            public partial class Net;
            """, new Dictionary<string, string> { ["shapegen.max_activation_bytes"] = "50000" });
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("Conv2D(32, 3)", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
        string message = diagnostic.GetMessage();
        foreach (var fragment in new[] { "the output of Conv2D 'conv2d' (26×26×32)", "84.50 KB", "21,632 floats", "limit of 48.83 KB", "shapegen.max_activation_bytes = 86528" })
            Assert.Contains(fragment, message);
    }

    [Fact]
    public async Task When_the_input_is_the_largest_tensor_it_is_reported_on_Input()
    {
        var diagnostics = await Analysis.AnalyzeAsync("""
            [Input(100, 100, 3)]
            [MaxPooling2D(2)]
            public partial class Net;
            """, new Dictionary<string, string> { ["shapegen.max_activation_bytes"] = "1000" });
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("Input(100, 100, 3)", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
        Assert.Contains("the input", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("-5")]
    [InlineData("0")]
    public async Task An_invalid_limit_falls_back_to_the_default(string value)
    {
        var diagnostics = await Analysis.AnalyzeAsync("""
            [Input(8, 8, 1)]
            [Conv2D(4, 3)]
            public partial class Net;
            """, new Dictionary<string, string> { ["shapegen.max_parameters"] = value, ["shapegen.max_activation_bytes"] = value });
        Assert.Empty(diagnostics);
    }

    [Fact]
    public async Task Not_reported_for_a_network_with_errors()
    {
        var diagnostics = await Analysis.AnalyzeAsync("""
            [Input(8, 8, 1)]
            [Conv2D(4, 9)]
            public partial class Net;
            """, Small);
        Assert.Equal("SG0003", Assert.Single(diagnostics).Id);
    }
}
