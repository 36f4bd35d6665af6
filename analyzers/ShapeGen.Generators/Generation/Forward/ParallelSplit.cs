namespace ShapeGen.Generators.Generation.Forward;

/// <summary>
/// Which steps a single-sample Forward with <c>MaxDegreeOfParallelism</c> &gt; 1 splits across threads: convolutions
/// and depthwise convolutions with enough work, and the large poolings between them, by ranges of output rows; large
/// Dense layers by ranges of filters. Each output value is computed by exactly the same code whichever thread runs it,
/// so the split never changes a result.
/// </summary>
internal static class ParallelSplit
{
    /// <summary>
    /// The multiply-adds a step needs before its rows are split. A fork-join through the runtime's WorkSplitter costs
    /// a few microseconds (waking or reaching a spinning helper, claiming chunks, waiting for the last one), and one
    /// core does roughly 10–40 multiply-adds per nanosecond in these kernels, so 300,000 multiply-adds are about
    /// 10–30 µs on one core: the smallest step whose split saves clearly more than the fork-join costs. Smaller steps
    /// (pooling, copies, small convolutions, Dense layers) run on the calling thread alone.
    /// </summary>
    public const long MinimumMultiplyAdds = 300_000;

    /// <summary>
    /// The input a pooling step needs before its rows are split. Pooling is a few comparisons per value, but when the
    /// split layer before it wrote half of its input on another core, a single thread pulls that half across (about
    /// 4× slower than from its own cache); split like its producer, each core pools what it wrote itself
    /// (the WorkSplitter gives every thread the same share of rows in every layer). 64 KB: below that the transfer
    /// costs less than a fork-join.
    /// </summary>
    public const long MinimumPoolInputBytes = 64 * 1024;

    /// <summary>Whether the step's kernel takes a row range (<c>int rowStart, int rowEnd</c>).</summary>
    public static bool HasRowRange(ForwardStep step) => step is ConvolutionStep or DepthwiseStep or PoolStep or WinogradStep;

    /// <summary>
    /// Filters per part of a split Dense layer (a single-position convolution), whose range counts parts instead of
    /// rows: 128 filters are 8 accumulators of 512 bits, enough for a kernel that waits on memory, not on FMAs.
    /// </summary>
    public const int FilterPartSize = 128;

    /// <summary>
    /// The number of filter parts when the step is a Dense layer (one output position) worth splitting by filters: its
    /// weights are read once per call, so a single core is bound by memory bandwidth and each thread streaming its own
    /// part gains. Null for every other step.
    /// </summary>
    public static int? FilterParts(ForwardStep step)
        => step is ConvolutionStep { OutH: 1, OutW: 1, Frame: null, Border: null } s && s.Filters % FilterPartSize == 0
            && s.Filters >= 2 * FilterPartSize && MultiplyAdds(s) >= MinimumMultiplyAdds
            ? s.Filters / FilterPartSize
            : null;

    /// <summary>The step's output rows (filter parts for a split Dense layer), for the range of its kernel.</summary>
    public static int Rows(ForwardStep step) => step switch
    {
        ConvolutionStep s => FilterParts(s) ?? s.OutH,
        DepthwiseStep s => s.OutH,
        PoolStep s => s.OutH,
        WinogradStep s => s.TileRows,
        _ => 0,
    };

    /// <summary>The step's multiply-adds (0 for steps without a row range).</summary>
    public static long MultiplyAdds(ForwardStep step) => step switch
    {
        ConvolutionStep s => (long)s.OutH * s.OutW * s.Filters * s.KernelH * s.KernelW * s.Channels,
        DepthwiseStep s => (long)s.OutH * s.OutW * s.Channels * s.KernelH * s.KernelW,
        // Counted as the direct convolution (as Keras does), not the fewer multiplies Winograd actually makes.
        WinogradStep s => (long)s.OutH * s.OutW * s.Filters * 9 * s.Channels,
        _ => 0,
    };

    /// <summary>Whether a parallel single-sample Forward splits this step's rows across threads.</summary>
    public static bool IsSplit(ForwardStep step) => Rows(step) >= 2 && step switch
    {
        // Pools of fewer than 16 channels take the narrow kernel, which has no row range.
        PoolStep s => s.Channels >= 16 && 4L * s.InH * s.InW * s.Channels >= MinimumPoolInputBytes,
        _ => HasRowRange(step) && MultiplyAdds(step) >= MinimumMultiplyAdds,
    };

    /// <summary>
    /// Whether <paramref name="pool"/>, the step right after the split step <paramref name="producer"/>, runs in the
    /// producer's chunks (one fork-join for both; each thread pools the rows it has just written, from its own cache):
    /// it reads only the producer's output, its row range counts the same units, and every one of its rows reads only
    /// output rows that the producer's unit of the same index writes. True for a 2×2 valid pool after a Winograd step
    /// (tile row r writes output rows 2r and 2r + 1, pool row r reads them). The producer must apply its activation in its
    /// own store: a separate activation pass would have to run between the two. And the pool must not write a buffer
    /// the producer reads, which another thread's chunk may still be reading (<c>ForwardPlanner</c> avoids that slot).
    /// </summary>
    public static bool PoolRunsInChunksOf(ForwardStep producer, ForwardStep pool)
    {
        if (pool is not PoolStep p || !IsSplit(producer) || FilterParts(producer) is not null) return false;
        if (p.Channels < 16 || p.PadTop != 0 || p.PadLeft != 0) return false; // the narrow kernel has no row range; padding reads the frame
        if (p.Sources.Length != 1 || p.Sources[0] != producer.Destination || Rows(p) != Rows(producer)) return false;
        // Another thread may still read the producer's sources (the planner keeps the pool's output elsewhere).
        if (System.Array.IndexOf(producer.Sources, p.Destination) >= 0) return false;
        // No activation pass may run between the two, nor after the pool (the pair is one call).
        if (!(KernelEmitter.FusesInStore(producer.Activation) || SmallConvolutionEmitter.FusesActivation(producer)) || !KernelEmitter.FusesInStore(p.Activation)) return false;
        (int rowsPerUnit, int outH) = producer switch
        {
            WinogradStep s => (2, s.OutH),
            ConvolutionStep s => (1, s.OutH),
            DepthwiseStep s => (1, s.OutH),
            _ => (0, 0),
        };
        if (rowsPerUnit == 0 || p.InH != outH) return false;
        for (int r = 0; r < Rows(p); r++)
        {
            int first = r * p.StrideH, last = System.Math.Min(first + p.PoolH, p.InH); // input rows [first, last)
            if (first < r * rowsPerUnit || last > (r + 1) * rowsPerUnit) return false;
        }
        return true;
    }

    /// <summary>
    /// Chunks of rows per thread, when not the WorkSplitter's default: one for a convolution that streams its whole
    /// kernel (larger than L2) once per call, since each further chunk would stream it again, and for the Winograd
    /// steps and pools (below).
    /// </summary>
    public static int? ChunksPerThread(ForwardStep step, VectorWidth width) => step switch
    {
        ConvolutionStep s when KernelEmitter.ChunksOutermost(s, width) => 1,
        // Each band streams all 16 transformed kernels once: one range per thread, one band when it fits.
        WinogradStep => 1,
        // A pool takes a few µs: finer chunks only invite a thread to steal rows the other core wrote (measured on
        // CifarVgg's three split pools, two threads: 20 → 16 µs with one range each).
        PoolStep => 1,
        _ => null,
    };
}
