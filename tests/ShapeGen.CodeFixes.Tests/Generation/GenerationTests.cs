using Microsoft.CodeAnalysis;
using ShapeGen.CodeFixes.Tests.Infrastructure;

namespace ShapeGen.CodeFixes.Tests.Generation;

public sealed class Generation
{
    private const string Mnist = """
        [Input(28, 28, 1)]
        [Conv2D(32, 3, Activation = Activation.Relu)]
        [MaxPooling2D(2)]
        [Conv2D(64, 3, Activation = Activation.Relu)]
        [MaxPooling2D(2)]
        [Conv2D(64, 3, Activation = Activation.Relu)]
        [Flatten]
        [Dense(64, Activation = Activation.Relu)]
        [Dense(10, Activation = Activation.Softmax)]
        public partial class MnistConvNet;
        """;

    [Fact]
    public async Task Warnings_and_notes_do_not_stop_code_generation()
    {
        // SG0002 (pooling 11x11), SG0011 (stride-2 'same' on 32x32) and SG0009 (Dense on a feature map): all three
        // describe a network that computes what Keras computes, so its members are generated.
        var compilation = await Analysis.CompileAsync("""
            [Input(32, 32, 3)]
            [Conv2D(8, 3, Padding.Same, Stride = 2)]
            [Conv2D(8, 6)]
            [MaxPooling2D(2)]
            [Dense(10)]
            public partial class Net;

            public static class Use
            {
                public static long Count => Net.ParameterCount;
            }
            """);
        var analyzer = await Analysis.AnalyzeAsync("""
            [Input(32, 32, 3)]
            [Conv2D(8, 3, Padding.Same, Stride = 2)]
            [Conv2D(8, 6)]
            [MaxPooling2D(2)]
            [Dense(10)]
            public partial class Net;
            """);
        Assert.Equal(new[] { "SG0011", "SG0002", "SG0009" }, analyzer.Select(d => d.Id));

        var (output, run) = Generate(compilation);
        Assert.Contains(run.Results.Single().GeneratedSources, s => s.HintName == "Tests.Net.g.cs");
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public async Task Hover_shows_the_summary_table_on_the_type_and_the_main_members()
    {
        var (output, _) = Generate(await Analysis.CompileAsync(Mnist));
        var type = output.GetTypeByMetadataName("Tests.MnistConvNet")!;
        var documented = new Dictionary<string, string?>
        {
            ["type"] = type.GetDocumentationCommentXml(),
            ["Summary"] = type.GetMembers("Summary").Single().GetDocumentationCommentXml(),
            ["ParameterCount"] = type.GetMembers("ParameterCount").Single().GetDocumentationCommentXml(),
            ["Forward"] = type.GetMembers("Forward").OfType<IMethodSymbol>().Single(m => m.Parameters.Length == 2).GetDocumentationCommentXml(),
        };
        foreach (var (member, xml) in documented)
        {
            Assert.False(string.IsNullOrEmpty(xml), member + " has no documentation");
            foreach (var row in new[] { "conv2d (Conv2D)", "(None, 26, 26, 32)", "dense_1 (Dense)", "Total params: 93,322" })
                Assert.True(xml!.Contains(row, StringComparison.Ordinal), $"{member}'s documentation lacks '{row}':\n{xml}");
        }
        Assert.Contains("93,322", documented["ParameterCount"]);
        Assert.Contains("28×28×1 floats", documented["Forward"]);
        // The generated XML is well-formed (a malformed comment would come back as a CS1570 warning instead of text).
        Assert.Empty(output.GetDiagnostics().Where(d => d.Id.StartsWith("CS15", StringComparison.Ordinal) || d.Id == "CS1587"));
    }

    private static (Compilation, GeneratorDriverRunResult) Generate(Compilation compilation) => Analysis.Generate(compilation);
}
