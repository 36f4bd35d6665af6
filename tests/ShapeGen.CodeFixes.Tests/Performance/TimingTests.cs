using System.Collections.Immutable;
using System.Diagnostics;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ShapeGen.CodeFixes.Tests.Infrastructure;
using ShapeGen.Generators.Analysis;
using ShapeGen.Generators.Generation;
using Xunit.Abstractions;

namespace ShapeGen.CodeFixes.Tests.Performance;

/// <summary>
/// How long the analyzer and the generator take on a 100-layer network (the README's "IDE performance" note comes from
/// this log: <c>dotnet test tests/ShapeGen.CodeFixes.Tests --filter Timing --logger "console;verbosity=detailed"</c>).
/// The target is 50 ms each; the assertion is only a smoke bound far above it, since the machine running the tests
/// may be loaded.
/// </summary>
[Collection(nameof(Timing))]
public sealed class Timing
{
    private const int Runs = 15;
    private readonly ITestOutputHelper _output;

    public Timing(ITestOutputHelper output) => _output = output;

    /// <summary>
    /// 100 layers: four stages of eight [Conv2D 3×3 same, BatchNormalization, ReLU] and a MaxPooling2D, on a 64×64×3 input
    /// (64 → 32 → 16 → 8 → 4; 16, 32, 64, 128 channels).
    /// </summary>
    public static string HundredLayers()
    {
        var text = new StringBuilder("[Input(64, 64, 3)]\n");
        int layers = 0;
        foreach (int channels in new[] { 16, 32, 64, 128 })
        {
            for (int i = 0; i < 8; i++)
            {
                text.Append($"[Conv2D({channels}, 3, Padding.Same)]\n[BatchNormalization]\n[ReLU]\n");
                layers += 3;
            }
            text.Append("[MaxPooling2D(2)]\n");
            layers++;
        }
        Assert.Equal(100, layers);
        return text.Append("public partial class Deep;\n").ToString();
    }

    [Fact]
    public async Task Analyzer_and_generator_on_a_100_layer_network()
    {
        string source = HundredLayers();
        var analyzer = new ShapeAnalyzer();
        var analyzerTimes = new List<double>();
        var generatorTimes = new List<double>();
        var cachedTimes = new List<double>();
        var engineTimes = new List<double>();
        var emitterTimes = new List<double>();
        int generatedChars = 0;

        for (int run = 0; run < Runs; run++)
        {
            // A fresh compilation each time, so binding the 101 attributes is part of what is measured.
            var compilation = await Analysis.CompileAsync(source);

            var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: true);
            var withAnalyzer = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(analyzer), options);
            var diagnostics = await withAnalyzer.GetAnalyzerDiagnosticsAsync();
            Assert.Empty(diagnostics); // 'same' with stride 1 and odd kernels: nothing to report.
            analyzerTimes.Add((await withAnalyzer.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None)).ExecutionTime.TotalMilliseconds);

            GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new NetworkGenerator().AsSourceGenerator() }, parseOptions: TestReferences.ParseOptions);
            driver = driver.RunGenerators(compilation);
            generatorTimes.Add(driver.GetTimingInfo().ElapsedTime.TotalMilliseconds);
            var generated = driver.GetRunResult().Results.Single().GeneratedSources;
            generatedChars = generated.Sum(s => s.SourceText.Length);

            // An edit elsewhere in the project: the generator's cached model is reused and nothing is re-emitted.
            var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText($"class Edit{run} {{ }}", TestReferences.ParseOptions));
            driver = driver.RunGenerators(edited);
            cachedTimes.Add(driver.GetTimingInfo().ElapsedTime.TotalMilliseconds);

            // The shape engine alone (what the analyzer and the code fixes run), on the same specs.
            var type = compilation.GetTypeByMetadataName("Tests.Deep")!;
            var specs = ShapeGen.Generators.Parsing.NetworkReader.Specs(ShapeGen.Generators.Parsing.NetworkReader.Read(type, out _));
            var watch = Stopwatch.StartNew();
            var network = ShapeGen.Generators.Engine.ShapeEngine.Analyze("Deep", specs);
            engineTimes.Add(watch.Elapsed.TotalMilliseconds);
            Assert.Equal(100, network.Layers.Count);

            // Writing the generated source alone (metadata members and the forward pass), without the driver's parsing.
            var model = ShapeGen.Generators.Generation.TypeModel.From(type);
            watch.Restart();
            ShapeGen.Generators.Generation.NetworkEmitter.Emit(model, network);
            emitterTimes.Add(watch.Elapsed.TotalMilliseconds);
        }

        string Report(string what, List<double> times)
            => $"{what,-44} first {times[0],8:0.0} ms   median of the other {Runs - 1}: {Median(times.Skip(1)),7:0.00} ms   max {times.Skip(1).Max(),7:0.00} ms";
        string load = File.Exists("/proc/loadavg") ? ", load average " + File.ReadAllText("/proc/loadavg").Split(' ')[0] : "";
        _output.WriteLine($"100-layer network (64x64x3 input, 32 Conv2D + 32 BatchNormalization + 32 ReLU + 4 MaxPooling2D), {Environment.ProcessorCount} cores{load}:");
        _output.WriteLine(Report("analyzer (ShapeAnalyzer callbacks)", analyzerTimes));
        _output.WriteLine(Report("generator, full run (members + forward pass)", generatorTimes));
        _output.WriteLine(Report("generator after an unrelated edit (cached)", cachedTimes));
        _output.WriteLine(Report("shape engine alone", engineTimes));
        _output.WriteLine(Report("emitter alone (writing the source text)", emitterTimes));
        _output.WriteLine($"generated source: {generatedChars:N0} characters");

        // Smoke bounds only, 20x the 50 ms target: a hang or an accidental quadratic blow-up, not a benchmark.
        Assert.True(Median(analyzerTimes.Skip(1)) < 1000, "analyzer median above 1 s");
        Assert.True(Median(generatorTimes.Skip(1)) < 1000, "generator median above 1 s");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

/// <summary>The timing test runs alone, not beside the other test classes.</summary>
[CollectionDefinition(nameof(Timing), DisableParallelization = true)]
public sealed class TimingCollection
{
}
