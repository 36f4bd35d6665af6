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
        text.AppendLine("| model | multiply-adds | ShapeGen median (µs) | ORT median (µs) | ORT/ShapeGen | ShapeGen allocated (B) | ShapeGen GFLOP/s | ORT GFLOP/s |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        int rows = 0;
        foreach (ModelInfo model in Models.All)
        {
            BenchmarkReport? shapeGen = Find(reports, model, nameof(SobelValidBenchmark.ShapeGen));
            BenchmarkReport? ort = Find(reports, model, nameof(ModelBenchmark.OnnxRuntime));
            if (shapeGen is null && ort is null) continue;
            double? sgNs = shapeGen?.ResultStatistics?.Median;
            double? ortNs = ort?.ResultStatistics?.Median;
            long? allocated = shapeGen?.GcStats.GetBytesAllocatedPerOperation(shapeGen.BenchmarkCase);
            text.AppendLine(string.Join(" | ",
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
        if (rows == 0) text.AppendLine("| (no results) | | | | | | | |");
        text.AppendLine();
        text.AppendLine("Batch 1, single thread. Medians from BenchmarkDotNet; ORT/ShapeGen > 1 means ShapeGen is faster. " +
                        "GFLOP/s = 2 × multiply-adds / median.");
        return text.ToString();
    }

    private static BenchmarkReport? Find(List<BenchmarkReport> reports, ModelInfo model, string method) =>
        reports.FirstOrDefault(r => r.BenchmarkCase.Descriptor.HasCategory(model.Case)
                                    && r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method
                                    && r.ResultStatistics is not null);

    private static string Micro(double? ns) => ns is { } v ? (v / 1000.0).ToString(v < 10_000 ? "F3" : "F1", Inv) : "-";

    private static string Gflops(ModelInfo model, double? ns) =>
        ns is > 0 ? GflopsColumn.Format(2.0 * model.MultiplyAdds / ns.Value) : "-";
}
