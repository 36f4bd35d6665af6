using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ShapeGen.Benchmarks;

/// <summary>Arithmetic throughput: 2 × the generated <c>MultiplyAddCount</c> / median time (the model is the benchmark's category).</summary>
public sealed class GflopsColumn : IColumn
{
    public string Id => nameof(GflopsColumn);
    public string ColumnName => "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "2 × multiply-adds of one sample / median time, in 10^9 floating-point operations per second";

    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? gflops = Compute(summary[benchmarkCase], benchmarkCase);
        return gflops is { } g ? Format(g) : "-";
    }

    /// <summary>GFLOP/s of one report, or null when the model or the median is unknown.</summary>
    public static double? Compute(BenchmarkReport? report, BenchmarkCase benchmarkCase)
    {
        double? medianNs = report?.ResultStatistics?.Median;
        // The parallel benchmarks' category is the model's plus "_parallel"; their batch-32 runs time one sample per operation.
        ModelInfo? model = Models.All.FirstOrDefault(m => benchmarkCase.Descriptor.HasCategory(m.Case) || benchmarkCase.Descriptor.HasCategory(m.Case + "_parallel"));
        if (medianNs is not > 0 || model is null) return null;
        return 2.0 * model.MultiplyAdds / medianNs.Value; // FLOP per ns == GFLOP/s
    }

    /// <summary>Three significant digits or so: 123.4, 12.3, 1.23, 0.0123.</summary>
    public static string Format(double gflops) =>
        gflops.ToString(gflops >= 100 ? "F0" : gflops >= 10 ? "F1" : gflops >= 1 ? "F2" : "G3", System.Globalization.CultureInfo.InvariantCulture);

    public override string ToString() => ColumnName;
}
