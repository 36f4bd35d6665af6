namespace ShapeGen.Generators.Generation.Forward;

/// <summary>
/// A 1×1 convolution and the depthwise convolution that reads its output, run on one thread in bands of rows: each
/// depthwise output row right after the convolution rows it needs. The depthwise layer then reads rows the
/// convolution has just written, from L1 or L2, instead of the whole image back from L3 once it no longer fits L2
/// (MobileNet96's first pair on Zen 3: 49×49×64 floats, 614 KB, against a 512 KB L2; the pass 382 → 377 µs in three
/// alternating rounds; banding its second pair too, whose output fits L2, gained nothing). Every output is the same
/// sum in the same order; only the order of rows changes.
/// </summary>
/// <remarks>
/// The two layers' buffers come from the sequential plan, where the depthwise layer may write into the buffer the
/// convolution reads (dead by then). Interleaved, the convolution still has rows to read there, so a pair runs in
/// bands only if no depthwise row lands on a convolution input row that is still to be read (<see cref="Interleaves"/>
/// walks the whole schedule at build time). Only with 16-register widths (AVX2, SSE), where it was measured; the
/// 512-bit code keeps the plain order until measured on an AVX-512 machine.
/// </remarks>
internal static class RowBands
{
    /// <summary>The L2 assumed per core: 512 KB (Zen 2–4; Intel client cores have 1.25–2 MB, Zen 5 1 MB).</summary>
    private const long L2Bytes = 512 * 1024;

    /// <summary>Whether steps <paramref name="producer"/> and <paramref name="consumer"/> (next to each other in the plan) run in bands.</summary>
    public static bool Interleaves(ForwardStep producer, ForwardStep consumer, VectorWidth v)
    {
        if (v.Registers != 16) return false;
        if (producer is not ConvolutionStep p || consumer is not DepthwiseStep c) return false;
        if (p.KernelH != 1 || p.KernelW != 1 || p.StrideH != 1 || p.Border is not null || p.PoolRows is not null
            || ParallelSplit.FilterParts(p) is not null || p.Sources.Length != 1)
        {
            return false;
        }
        if (c.Sources.Length != 1 || c.Sources[0] != p.Destination || c.Destination == p.Destination) return false;
        // A kernel that walks its filters outermost streams all its weights on every call, whatever its rows.
        if (KernelEmitter.ChunksOutermost(p, v)) return false;
        // No activation pass may run between the two or after the depthwise rows (each call is the whole work of its rows).
        if (!KernelEmitter.FusesInStore(p.Activation) || !KernelEmitter.FusesInStore(c.Activation)) return false;
        // Worth it only when the convolution's output would not stay in L2 anyway.
        if (4L * p.OutputElements <= L2Bytes) return false;
        int inputRows = p.Frame?.Height ?? p.OutH;
        if ((long)(c.OutH - 1) * c.StrideH + (long)(c.KernelH - 1) * c.DilationH >= inputRows) return false; // reads past the frame
        if (Needed(p, c, 0) < 1) return false; // the first band must write the frame's top border
        if (c.Destination != p.Sources[0]) return true;

        // The depthwise layer writes the buffer the convolution reads: every depthwise row (with its frame border)
        // must end before the first input row the convolution has not read yet.
        long inputRowFloats = (long)p.InRow * p.Channels;
        for (int oy = 0; oy < c.OutH; oy++)
        {
            int produced = Needed(p, c, oy);
            if (produced >= p.OutH) break; // every convolution row is done: nothing left to read
            if (WrittenEnd(c, oy) > produced * inputRowFloats) return false;
        }
        return true;
    }

    /// <summary>
    /// The convolution rows (from 0) that must exist before depthwise row <paramref name="oy"/> runs: the input rows its
    /// window reaches, less the frame's top border, at most all of them (the bottom border comes with the last row).
    /// </summary>
    public static int Needed(ConvolutionStep p, DepthwiseStep c, int oy)
    {
        int top = p.Frame?.Top ?? 0;
        long lastFrameRow = (long)oy * c.StrideH + (long)(c.KernelH - 1) * c.DilationH;
        return (int)System.Math.Max(0, System.Math.Min(p.OutH, lastFrameRow - top + 1));
    }

    /// <summary>
    /// The float after the last one depthwise row <paramref name="oy"/>'s call writes in its destination: its row and its
    /// left and right borders, and for the last row the whole bottom border.
    /// </summary>
    private static long WrittenEnd(DepthwiseStep c, int oy)
    {
        if (c.Frame is not { } f) return ((long)oy + 1) * c.OutW * c.Channels;
        return oy == c.OutH - 1 ? (long)f.Height * f.Width * c.Channels : ((long)oy + f.Top + 1) * f.Width * c.Channels;
    }
}
