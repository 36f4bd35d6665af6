using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using ShapeGen.Benchmarks;

// ShapeGen vs ONNX Runtime, batch 1. Usage (Release):
//   dotnet run -c Release --project tests/ShapeGen.Benchmarks -- --filter '*'          all models
//   dotnet run -c Release --project tests/ShapeGen.Benchmarks -- --filter '*Mnist*' --job short
//   dotnet run -c Release --project tests/ShapeGen.Benchmarks -- --verify               outputs only
//   dotnet run -c Release --project tests/ShapeGen.Benchmarks -- --profile [model]      per-layer µs and GFLOP/s only
//   dotnet run -c Release --project tests/ShapeGen.Benchmarks -- --profile cifar --threads 2   the same with MaxDegreeOfParallelism = 2
//   dotnet run -c Release --project tests/ShapeGen.Benchmarks -- --filter '*Parallel*'  CifarVgg on 2 threads, fork-join cost
//   dotnet run -c Release --project tests/ShapeGen.Benchmarks -- --passes [model]       per-pass percentiles, ShapeGen and ORT alternating
//   dotnet run -c Release --project tests/ShapeGen.Benchmarks -- --passes-threads       CifarVgg per pass on one thread and on two
//   dotnet run -c Release --project tests/ShapeGen.Benchmarks -- --fork-join            fork-join latency percentiles only
// Other arguments go to BenchmarkDotNet.

string machine = MachineInfo.Describe();
Console.WriteLine($"Machine: {machine}");

try
{
    Verification.VerifyAll(Console.Out);
}
catch (Exception e)
{
    Console.Error.WriteLine($"VERIFICATION FAILED: {e.Message}");
    return 1;
}

if (args.Contains("--verify"))
    return 0;

if (args.Contains("--passes-threads"))
{
    Console.WriteLine();
    Console.WriteLine(PassTimes.BuildThreads());
    return 0;
}

// The passes table does not use the FMA peak: no need to measure it first.
if (ModelsAfter("--passes") is { } passModels)
{
    Console.WriteLine();
    Console.WriteLine(PassTimes.Build(passModels));
    return 0;
}

double peak = LayerProfiles.MeasureFmaPeakGflops();
if (ModelsAfter("--profile") is { } profileModels)
{
    Console.WriteLine();
    int threadsArg = Array.IndexOf(args, "--threads");
    int threads = threadsArg >= 0 && threadsArg + 1 < args.Length ? int.Parse(args[threadsArg + 1], System.Globalization.CultureInfo.InvariantCulture) : 1;
    Console.WriteLine(LayerProfiles.Build(peak, profileModels, threads));
    return 0;
}

if (args.Contains("--fork-join"))
{
    ForkJoinLatency.Measure(Console.Out);
    return 0;
}

IConfig config = DefaultConfig.Instance
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddColumn(CategoriesColumn.Default, StatisticColumn.Median, new GflopsColumn())
    .AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory)
    .HideColumns(Column.Type) // the Categories column already names the model
    .WithOptions(ConfigOptions.JoinSummary);

Type[] benchmarks =
[
    typeof(SobelValidBenchmark), typeof(StridePaddingZooBenchmark), typeof(MobileBlockBenchmark),
    typeof(MnistConvNetBenchmark), typeof(MobileNet96Benchmark), typeof(CifarVggBenchmark),
    typeof(CifarVggParallelBenchmark), typeof(ForkJoinParallelBenchmark),
];
List<Summary> summaries = BenchmarkSwitcher.FromTypes(benchmarks).Run(args, config).ToList();
if (summaries.Count == 0)
    return 0;

string table = ResultsTable.Build(summaries, machine);
// Per-layer times of the models that were benchmarked, measured after BenchmarkDotNet's runs (same build, same machine).
var benchmarked = summaries.SelectMany(s => s.Reports).SelectMany(r => r.BenchmarkCase.Descriptor.Categories).ToHashSet();
table += Environment.NewLine + LayerProfiles.Build(peak, m => benchmarked.Contains(m.Case));
// Pass by pass, ShapeGen and ONNX Runtime alternating: the fast mode and the spread behind BenchmarkDotNet's medians.
table += Environment.NewLine + PassTimes.Build(m => benchmarked.Contains(m.Case));
// The parallel benchmark's network, layer by layer on two threads: which layers split, and how well.
if (summaries.Any(s => s.BenchmarksCases.Any(c => c.Descriptor.Type == typeof(CifarVggParallelBenchmark))))
{
    table += Environment.NewLine + LayerProfiles.Build(peak, m => m.Case == "cifar_vgg", threads: 2);
    table += Environment.NewLine + PassTimes.BuildThreads();
}
string resultsDirectory = summaries[0].ResultsDirectoryPath;
Directory.CreateDirectory(resultsDirectory);
string tablePath = Path.Combine(resultsDirectory, "ShapeGen-vs-OnnxRuntime.md");
File.WriteAllText(tablePath, table);

Console.WriteLine();
Console.WriteLine("## ShapeGen vs ONNX Runtime");
Console.WriteLine();
Console.WriteLine(table);
Console.WriteLine($"(written to {tablePath})");
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;

// Null without the option; else the models it selects: those whose case name contains the word after it, or all.
Func<ModelInfo, bool>? ModelsAfter(string option)
{
    int at = Array.IndexOf(args, option);
    if (at < 0) return null;
    string? only = at + 1 < args.Length && !args[at + 1].StartsWith('-') ? args[at + 1] : null;
    return m => only is null || m.Case.Contains(only, StringComparison.OrdinalIgnoreCase);
}
