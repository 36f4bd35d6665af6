using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;

namespace ShapeGen.Benchmarks;

/// <summary>The compact per-model table printed after a run (and saved next to BenchmarkDotNet's own reports).</summary>
public static class ResultsTable
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Build(IEnumerable<Summary> summaries, string machine)
    {
        var reports = summaries.SelectMany(s => s.Reports).ToList();
        var text = new StringBuilder();
        text.AppendLine($"Machine: {machine}");
        text.AppendLine();
        var table = new StringBuilder();
        table.AppendLine("| model | multiply-adds | ShapeGen median (µs) | ORT median (µs) | ORT/ShapeGen | ShapeGen allocated (B) | ShapeGen GFLOP/s | ORT GFLOP/s |");
        table.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        int rows = 0;
        foreach (ModelInfo model in Models.All)
        {
            BenchmarkReport? shapeGen = Find(reports, model.Case, nameof(SobelValidBenchmark.ShapeGen));
            BenchmarkReport? ort = Find(reports, model.Case, nameof(ModelBenchmark.OnnxRuntime));
            if (shapeGen is null && ort is null) continue;
            double? sgNs = shapeGen?.ResultStatistics?.Median;
            double? ortNs = ort?.ResultStatistics?.Median;
            long? allocated = shapeGen?.GcStats.GetBytesAllocatedPerOperation(shapeGen.BenchmarkCase);
            table.AppendLine(string.Join(" | ",
                $"| {model.Case}",
                model.MultiplyAdds.ToString("N0", Inv),
                Micro(sgNs),
                Micro(ortNs),
                sgNs > 0 && ortNs > 0 ? (ortNs.Value / sgNs.Value).ToString("F2", Inv) + "×" : "-",
                allocated?.ToString("N0", Inv) ?? "-",
                Gflops(model, sgNs),
                Gflops(model, ortNs)) + " |");
            rows++;
        }
        string? parallel = Parallel(reports);
        if (rows > 0 || parallel is null)
        {
            if (rows == 0) table.AppendLine("| (no results) | | | | | | | |");
            text.Append(table);
            text.AppendLine();
            text.AppendLine("Batch 1, single thread. Medians from BenchmarkDotNet; ORT/ShapeGen > 1 means ShapeGen is faster. " +
                            "GFLOP/s = 2 × multiply-adds / median.");
        }
        if (parallel is not null)
        {
            if (rows > 0) text.AppendLine();
            text.Append(parallel);
        }
        return text.ToString();
    }

    /// <summary>CifarVgg on two threads and the fork-join cost (the <c>*Parallel*</c> benchmarks), or null when they did not run.</summary>
    private static string? Parallel(List<BenchmarkReport> reports)
    {
        string category = CifarVggParallelBenchmark.Category;
        var runs = new (string Method, string Engine, int Threads, int Batch)[]
        {
            (nameof(CifarVggParallelBenchmark.ShapeGen_Batch1_1Thread), "ShapeGen", 1, 1),
            (nameof(CifarVggParallelBenchmark.ShapeGen_Batch1_2Threads), "ShapeGen", 2, 1),
            (nameof(CifarVggParallelBenchmark.OnnxRuntime_Batch1_2Threads), "ORT", 2, 1),
            (nameof(CifarVggParallelBenchmark.ShapeGen_Batch32_1Thread), "ShapeGen", 1, CifarVggParallelBenchmark.Batch),
            (nameof(CifarVggParallelBenchmark.ShapeGen_Batch32_2Threads), "ShapeGen", 2, CifarVggParallelBenchmark.Batch),
            (nameof(CifarVggParallelBenchmark.OnnxRuntime_Batch32_1Thread), "ORT", 1, CifarVggParallelBenchmark.Batch),
            (nameof(CifarVggParallelBenchmark.OnnxRuntime_Batch32_2Threads), "ORT", 2, CifarVggParallelBenchmark.Batch),
        };
        var found = runs.Select(run => (Run: run, Report: Find(reports, category, run.Method))).Where(x => x.Report is not null).ToList();
        BenchmarkReport? oneFork = Find(reports, "fork_join_parallel", nameof(ForkJoinParallelBenchmark.OneThread));
        BenchmarkReport? twoFork = Find(reports, "fork_join_parallel", nameof(ForkJoinParallelBenchmark.TwoThreads));
        if (found.Count == 0 && twoFork is null) return null;

        var text = new StringBuilder();
        if (found.Count > 0)
        {
            ModelInfo model = Models.Get("cifar_vgg");
            double? baseline = Find(reports, category, runs[0].Method)?.ResultStatistics?.Median;
            text.AppendLine("| cifar_vgg | threads | batch | median per sample (µs) | samples/s | speed-up vs ShapeGen 1 thread, batch 1 | GFLOP/s | allocated per sample (B) |");
            text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var (run, report) in found)
            {
                double? ns = report!.ResultStatistics?.Median;
                text.AppendLine(string.Join(" | ",
                    $"| {run.Engine}",
                    run.Threads.ToString(Inv),
                    run.Batch.ToString(Inv),
                    Micro(ns),
                    ns > 0 ? (1e9 / ns.Value).ToString("N0", Inv) : "-",
                    ns > 0 && baseline > 0 ? (baseline.Value / ns.Value).ToString("F2", Inv) + "×" : "-",
                    Gflops(model, ns),
                    report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase)?.ToString("N0", Inv) ?? "-") + " |");
            }
            text.AppendLine();
            double? Median(string method) => Find(reports, category, method)?.ResultStatistics?.Median;
            string Ratio(double? numerator, double? denominator) =>
                numerator > 0 && denominator > 0 ? (numerator.Value / denominator.Value).ToString("F2", Inv) + "×" : "-";
            text.AppendLine($"ShapeGen batch 1 on 2 threads vs 1: {Ratio(Median(runs[0].Method), Median(runs[1].Method))} faster (target ≥ 1.7×). " +
                            $"Batch 32 on 2 threads, ShapeGen throughput / ORT (2 intra-op threads): {Ratio(Median(runs[6].Method), Median(runs[4].Method))} (target ≥ 1×). " +
                            "Batch-32 runs are one call of 32 samples, timed per sample (OperationsPerInvoke = 32).");
        }
        if (twoFork is not null)
        {
            if (found.Count > 0) text.AppendLine();
            text.AppendLine($"Fork-join through WorkSplitter (empty kernel, 8 chunks, helper awake): {Micro(twoFork.ResultStatistics?.Median)} µs on 2 threads, " +
                            $"{Micro(oneFork?.ResultStatistics?.Median)} µs on 1.");
        }
        return text.ToString();
    }

    private static BenchmarkReport? Find(List<BenchmarkReport> reports, string category, string method) =>
        reports.FirstOrDefault(r => r.BenchmarkCase.Descriptor.HasCategory(category)
                                    && r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method
                                    && r.ResultStatistics is not null);

    private static string Micro(double? ns) => ns is { } v ? (v / 1000.0).ToString(v < 10_000 ? "F3" : "F1", Inv) : "-";

    private static string Gflops(ModelInfo model, double? ns) =>
        ns is > 0 ? GflopsColumn.Format(2.0 * model.MultiplyAdds / ns.Value) : "-";
}
