using System;
using System.Collections.Generic;
using System.Linq;

namespace ShapeGen.Generators.Generation.Forward;

/// <summary>The forward pass of one network: its kernel steps, how the constructor packs weights, and buffer sizes.</summary>
internal sealed class ForwardPlan
{
    public List<ForwardStep> Steps { get; } = new();

    /// <summary>Constructor statements that repack <c>parameters</c> (Keras order) into <c>packed</c>.</summary>
    public List<string> PackingStatements { get; } = new();

    /// <summary>Layers with no kernel of their own (folded or fused) → the computing layer whose kernel does their work.</summary>
    public Dictionary<string, string> RunsIn { get; } = new(StringComparer.Ordinal);

    /// <summary>Constructor statements that run after every packing statement (after BatchNormalization is folded in).</summary>
    public List<string> LayoutStatements { get; } = new();

    /// <summary>Floats in the packed weight arena.</summary>
    public long PackedFloats { get; private set; }

    /// <summary>Floats each workspace buffer needs (the largest write into it), in order of first use.</summary>
    public Dictionary<string, long> BufferFloats { get; } = new();

    /// <summary>Grows a workspace buffer to at least <paramref name="floats"/> (each buffer is as large as its largest use).</summary>
    public void RequireBuffer(string buffer, long floats)
    {
        BufferFloats.TryGetValue(buffer, out long size);
        BufferFloats[buffer] = Math.Max(size, floats);
    }

    /// <summary>The largest number of activation floats alive at once (workspace slots, not the caller's spans).</summary>
    public long PeakWorkspaceFloats { get; set; }

    /// <summary>Where each workspace buffer starts, in a fixed (ordinal) order, each aligned to a cache line.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> BufferOffsets()
    {
        var offsets = new List<KeyValuePair<string, long>>();
        long next = 0;
        foreach (var buffer in BufferFloats.Keys.OrderBy(b => b, StringComparer.Ordinal))
        {
            offsets.Add(new KeyValuePair<string, long>(buffer, next));
            next += Align(BufferFloats[buffer]);
        }
        return offsets;
    }

    /// <summary>The per-thread workspace: every buffer, each aligned to a cache line.</summary>
    public long WorkspaceFloats => BufferFloats.Values.Sum(Align);

    /// <summary>Reserves an aligned region of the packed weight arena and returns its offset.</summary>
    public long Reserve(long floats)
    {
        long offset = PackedFloats;
        PackedFloats += Align(floats);
        return offset;
    }

    public static long Align(long floats) => (floats + 15) / 16 * 16;

    public static int PadChannels(int channels) => (int)Align(channels);
}
