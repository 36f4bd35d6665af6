using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using ShapeGen.Generators.Analysis;
using ShapeGen.Generators.Generation;

namespace ShapeGen.Weights.Tests;

/// <summary>[Weights("file")] with the file as an AdditionalFiles item: the build reads its header and checks it.</summary>
public class CompileTimeTests
{
    private const string DigitsLayers = """
        [Input(8, 8, CHANNELS)]
        [Conv2D(16, 3, Padding.Same, Activation = Activation.Relu)]
        [MaxPooling2D(2)]
        [Conv2D(32, 3, Padding.Same, Activation = Activation.Relu)]
        [Flatten]
        [Dense(10, Activation = Activation.Softmax)]
        """;

    private static string Source(string weights, int channels = 1, string extraLayer = "") =>
        "using ShapeGen;\nnamespace Checked;\n" + weights + "\n" + DigitsLayers.Replace("CHANNELS", channels.ToString()) + "\n" + extraLayer + "public partial class Net;\n";

    [Theory]
    [InlineData("[Weights(\"weights.safetensors\")]", "weights.safetensors")]
    [InlineData("[Weights(\"Data/weights.npz\")]", "weights.npz")]
    [InlineData("[Weights(\"weights.bin\")]", "weights.bin")]
    [InlineData("[Weights(\"pytorch_state_dict.safetensors\", PyTorch = true)]", "pytorch_state_dict.safetensors")]
    public void A_matching_file_builds_clean(string attribute, string file)
    {
        var result = Run(Source(attribute), file);
        Assert.Empty(result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.Empty(result.GeneratorErrors);
    }

    [Fact]
    public void A_mismatching_file_is_an_error_on_the_offending_layer()
    {
        var source = Source("[Weights(\"weights.safetensors\")]", channels: 3);
        var result = Run(source, "weights.safetensors");
        var error = Assert.Single(result.Diagnostics, d => d.Id == "SG0020");
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Equal("weights.safetensors does not fit 'Net': conv2d/kernel: the network needs [3, 3, 3, 16], the file has [3, 3, 1, 16] — the file expects 1 input channel, the layer receives 3.",
            error.GetMessage());
        // Squiggled: the [Conv2D(16, ...)] attribute, line 5 of the source.
        var span = error.Location.GetLineSpan();
        Assert.Equal(4, span.StartLinePosition.Line);
        Assert.StartsWith("Conv2D(16", source.Split('\n')[4].Substring(span.StartLinePosition.Character));
    }

    [Fact]
    public void A_missing_tensor_is_reported_on_its_layer_and_extra_ones_on_the_Weights_attribute()
    {
        var source = Source("[Weights(\"weights.npz\")]", extraLayer: "[Dense(4)]\n");
        var result = Run(source, "weights.npz");
        var errors = result.Diagnostics.Where(d => d.Id == "SG0020").ToList();
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.GetMessage().Contains("dense_1/kernel: the file has no tensor 'dense_1/kernel' (shape [10, 4])")
                                     && source.Split('\n')[e.Location.GetLineSpan().StartLinePosition.Line].Contains("[Dense(4)]"));

        var fewer = Source("[Weights(\"weights.npz\")]").Replace("[Dense(10, Activation = Activation.Softmax)]\n", "");
        var extra = Assert.Single(Run(fewer, "weights.npz").Diagnostics, d => d.Id == "SG0020");
        Assert.Contains("the file holds 2 tensors the network does not have: 'dense/kernel', 'dense/bias'", extra.GetMessage());
        Assert.Contains("[Weights(", fewer.Split('\n')[extra.Location.GetLineSpan().StartLinePosition.Line]);
    }

    [Fact]
    public void A_raw_file_of_the_wrong_size_is_an_error()
    {
        var result = Run(Source("[Weights(\"weights.bin\")]", channels: 2), "weights.bin");
        Assert.Contains("holds 39,720 bytes, but 'Net' has 10,074 float32 parameters", Assert.Single(result.Diagnostics, d => d.Id == "SG0020").GetMessage());
    }

    [Fact]
    public void A_file_not_listed_as_AdditionalFiles_is_a_warning_with_the_fix()
    {
        var result = Run(Source("[Weights(\"weights.safetensors\")]"));
        var warning = Assert.Single(result.Diagnostics, d => d.Id == "SG0021");
        Assert.Contains("<AdditionalFiles Include=\"weights.safetensors\" />", warning.GetMessage());
    }

    [Fact]
    public void An_h5_file_is_checked_at_load_time_only()
    {
        var result = Run(Source("[Weights(\"digits.weights.h5\")]"), "digits.weights.h5");
        Assert.Contains("checked when Net.Load reads it", Assert.Single(result.Diagnostics, d => d.Id == "SG0022").GetMessage());
    }

    [Fact]
    public void The_Weights_attribute_is_not_a_layer()
    {
        var result = Run(Source("[Weights(\"weights.safetensors\")]"), "weights.safetensors");
        Assert.Contains("ParameterCount = 9930L", result.Generated);
        Assert.DoesNotContain("EmbeddedWeightFile", result.Generated);
    }

    [Theory]
    [InlineData("[Weights(\"weights.safetensors\", Embed = true)]", "weights.safetensors")]
    [InlineData("[Weights(\"weights.npz\", Embed = true)]", "weights.npz")]
    public void Embedded_weights_need_no_file_at_run_time(string attribute, string file)
    {
        var result = Run(Source(attribute), file, emit: true);
        Assert.Empty(result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var type = result.Assembly!.GetType("Checked.Net")!;
        object network = Activator.CreateInstance(type)!;
        var images = TestData.Images;
        var outputs = new float[540 * 10];
        // Forward takes spans, which reflection cannot pass: call it through a delegate.
        var call = (Action<object, float[], float[]>)typeof(CompileTimeTests).GetMethod(nameof(CallForward), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(type).CreateDelegate(typeof(Action<object, float[], float[]>));
        call(network, images, outputs);
        Assert.Equal(527, TestData.Correct(outputs));
    }

    private static void CallForward<T>(object network, float[] inputs, float[] outputs)
    {
        var method = typeof(T).GetMethods().Single(m => m.Name == "Forward" && m.GetParameters().Length == 3);
        var forward = (ForwardBatch)Delegate.CreateDelegate(typeof(ForwardBatch), network, method);
        forward(inputs, outputs, inputs.Length / 64);
    }

    private delegate void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize);

    /// <summary>The test's own runtime and ShapeGen.dll, created once: reading ~170 assemblies per test is most of the time.</summary>
    private static readonly Lazy<MetadataReference[]> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .Append(MetadataReference.CreateFromFile(typeof(WeightInfo).Assembly.Location))
            .ToArray());

    private sealed record Result(ImmutableArray<Diagnostic> Diagnostics, ImmutableArray<Diagnostic> GeneratorErrors, string Generated, Assembly? Assembly);

    /// <summary>Compiles <paramref name="source"/> with ShapeGen's generator and analyzer, the named test files as AdditionalFiles.</summary>
    private static Result Run(string source, string? additionalFile = null, bool emit = false)
    {
        var compilation = CSharpCompilation.Create("Checked" + Guid.NewGuid().ToString("N"),
            new[] { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: "Net.cs") },
            References.Value, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        var texts = additionalFile == null
            ? ImmutableArray<AdditionalText>.Empty
            : ImmutableArray.Create<AdditionalText>(new FileText(TestData.File(additionalFile)));
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new NetworkGenerator().AsSourceGenerator() }, texts,
            (CSharpParseOptions)compilation.SyntaxTrees.First().Options);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        string generated = string.Join("\n", output.SyntaxTrees.Skip(1).Select(t => t.ToString()));

        var compileErrors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
        Assert.True(compileErrors.IsEmpty, string.Join("\n", compileErrors));

        var analyzerDiagnostics = output.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new ShapeAnalyzer()), new AnalyzerOptions(texts))
            .GetAnalyzerDiagnosticsAsync(CancellationToken.None).Result;

        Assembly? assembly = null;
        if (emit)
        {
            using var stream = new MemoryStream();
            var emitted = output.Emit(stream);
            Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
            assembly = Assembly.Load(stream.ToArray());
        }
        return new Result(analyzerDiagnostics, generatorDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray(), generated, assembly);
    }

    private sealed class FileText(string path) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From("");
    }
}
