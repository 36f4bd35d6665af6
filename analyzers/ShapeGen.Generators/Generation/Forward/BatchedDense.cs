namespace ShapeGen.Generators.Generation.Forward;

/// <summary>
/// A batch call runs its largest Dense layer over groups of <see cref="GroupSize"/> samples instead of one sample at a
/// time. That layer is bound by memory (its weights, 4 MB in CifarVgg, stream in from L3 for every sample); over a group
/// they stream in once per tile of samples. Each sample runs the layers before it on its own (the Prefix), leaves the
/// Dense input in a row of the group buffer, and after the group's Dense picks its row up for the layers after it (the
/// Suffix). Every output is the same sum in the same order as in a single-sample call: bit for bit the same results.
/// </summary>
internal static class BatchedDense
{
    /// <summary>Samples per group: the group buffer holds this many Dense inputs and outputs.</summary>
    public const int GroupSize = 8;

    /// <summary>
    /// The step run over groups in batch calls: the first Dense layer worth splitting by filters (see
    /// <see cref="ParallelSplit.FilterParts"/>) whose activation the kernel applies in its store, provided nothing the
    /// layers after it read was written before it (the workspace is reused by the next sample of the group). Null when
    /// the network has none.
    /// </summary>
    public static int? Find(ForwardPlan plan)
    {
        for (int d = 0; d < plan.Steps.Count; d++)
        {
            if (plan.Steps[d] is ConvolutionStep s && s.Sources.Length == 1 && ParallelSplit.FilterParts(s) is not null
                && KernelEmitter.FusesInStore(s.Activation) && OnlyLaterBuffersReadAfter(plan, d))
            {
                return d;
            }
        }
        return null;
    }

    private static bool OnlyLaterBuffersReadAfter(ForwardPlan plan, int d)
    {
        for (int j = d + 1; j < plan.Steps.Count; j++)
        {
            foreach (string source in plan.Steps[j].Sources)
            {
                if (source == Buffers.Input) continue; // each sample's own input, passed to its Suffix too
                int writer = -1;
                for (int k = j - 1; k >= 0 && writer < 0; k--)
                {
                    if (plan.Steps[k].Destination == source) writer = k;
                }
                if (writer < d) return false;
            }
        }
        return true;
    }

    /// <summary>Filter vectors per register tile (2 per sample: the tile's samples share each weight load).</summary>
    private const int TileVectors = 2;

    /// <summary>Samples per register tile: <see cref="TileVectors"/> vectors of filters each, within the width's accumulator budget.</summary>
    public static int TileSamples(VectorWidth v) => v.AccumulatorBudget >= TileVectors * GroupSize ? GroupSize : GroupSize / 2;

    /// <summary>
    /// The group kernel: <c>groupInput</c> holds <see cref="GroupSize"/> rows of the layer's inputs, <c>groupOutput</c>
    /// receives as many rows of outputs (rows past the batch's end hold leftovers and are computed and ignored).
    /// </summary>
    public static void WriteKernel(SourceWriter w, ConvolutionStep s, VectorWidth v, string name)
    {
        w.Line($"/// <summary>{CSharpLiterals.XmlEscape(s.LayerName)}: {CSharpLiterals.XmlEscape(KernelEmitter.Describe(s))}, for {GroupSize} samples at once.</summary>");
        w.Line(NetworkEmitter.GeneratedCodeAttribute);
        w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]");
        w.Open($"private static void {name}(ref float groupInput, ref float groupOutput, ref float weights)");
        KernelEmitter.DenseGroup(w, s, v, GroupSize, TileSamples(v), TileVectors);
        w.Close();
        w.Line();
    }
}
