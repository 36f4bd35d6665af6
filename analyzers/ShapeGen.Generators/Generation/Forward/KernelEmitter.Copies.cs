using System;
using System.Collections.Generic;
using System.Linq;

namespace ShapeGen.Generators.Generation.Forward;

/// <summary>Kernels that only move values: cropping and padding windows, depthwise channel repeats, upsampling and concatenation.</summary>
internal static partial class KernelEmitter
{
    private static void WindowCopy(SourceWriter w, WindowCopyStep s)
    {
        if (s.Multiplier > 1)
        {
            RepeatChannels(w, s);
            return;
        }
        // The columns that have a source are known now: each row is zeros, one contiguous copy, zeros.
        int first = Math.Max(0, s.Left), end = Math.Min(s.OutW, s.Left + s.SourceW);
        long total = (long)s.OutH * s.OutW * s.Channels;
        if (end <= first || s.Top >= s.OutH || s.Top + s.SourceH <= 0)
        {
            w.Line($"{Memory}.CreateSpan(ref destination, {I(total)}).Clear(); // the window misses the source entirely");
            return;
        }
        Constants(w, ("SourceH", s.SourceH), ("SourceW", s.SourceW), ("Channels", s.Channels), ("OutH", s.OutH), ("OutW", s.OutW),
            ("Top", s.Top), ("FirstColumn", first), ("CopiedColumns", end - first), ("SourceColumn", first - s.Left));
        w.Open("for (int oy = 0; oy < OutH; oy++)");
        w.Line("int iy = oy - Top;");
        w.Line($"var row = {Memory}.CreateSpan(ref {At("destination", "oy * OutW * Channels")}, OutW * Channels);");
        w.Open("if ((uint)iy >= SourceH)");
        w.Line("row.Clear();");
        w.Line("continue;");
        w.Close();
        if (first > 0) w.Line("row.Slice(0, FirstColumn * Channels).Clear();");
        w.Line($"{Memory}.CreateReadOnlySpan(ref {At("source", "(iy * SourceW + SourceColumn) * Channels")}, CopiedColumns * Channels)");
        w.Line("    .CopyTo(row.Slice(FirstColumn * Channels));");
        if (end < s.OutW) w.Line("row.Slice((FirstColumn + CopiedColumns) * Channels).Clear();");
        w.Close();
    }

    /// <summary>Depthwise multipliers: each output pixel repeats every input channel <c>Multiplier</c> times (zeros outside the source).</summary>
    private static void RepeatChannels(SourceWriter w, WindowCopyStep s)
    {
        Constants(w, ("SourceH", s.SourceH), ("SourceW", s.SourceW), ("Channels", s.Channels), ("OutH", s.OutH), ("OutW", s.OutW),
            ("Top", s.Top), ("Left", s.Left), ("Multiplier", s.Multiplier), ("OutChannels", s.Channels * s.Multiplier));
        w.Open("for (int oy = 0; oy < OutH; oy++)");
        w.Line("int iy = oy - Top;");
        w.Open("for (int ox = 0; ox < OutW; ox++)");
        w.Line("int ix = ox - Left;");
        w.Line($"var output = {Memory}.CreateSpan(ref {At("destination", "(oy * OutW + ox) * OutChannels")}, OutChannels);");
        w.Open("if ((uint)iy >= SourceH || (uint)ix >= SourceW)");
        w.Line("output.Clear();");
        w.Line("continue;");
        w.Close();
        int outChannels = s.Channels * s.Multiplier;
        if (s.Channels >= 4 && outChannels % 4 == 0 && outChannels <= 4 * MaxRepeatVectors)
        {
            // Each group of 4 outputs is a shuffle of 4 neighbouring inputs (known now), not a Fill call per channel.
            w.Line($"ref float input = ref {At("source", "(iy * SourceW + ix) * Channels")};");
            w.Line($"ref float outputStart = ref {Memory}.GetReference(output);");
            for (int k = 0; k < outChannels / 4; k++)
            {
                int first = 4 * k / s.Multiplier, from = Math.Min(first, s.Channels - 4); // stays inside the pixel
                string lanes = string.Join(", ", Enumerable.Range(0, 4).Select(lane => I((4 * k + lane) / s.Multiplier - from)));
                w.Line($"{V128}.StoreUnsafe({V128}.Shuffle({V128}.LoadUnsafe(ref input, {I(from)}), {V128}.Create({lanes})), ref outputStart, {I(4 * k)});");
            }
        }
        else
        {
            w.Line($"var input = {Memory}.CreateReadOnlySpan(ref {At("source", "(iy * SourceW + ix) * Channels")}, Channels);");
            w.Open("for (int c = 0; c < Channels; c++)");
            w.Line("output.Slice(c * Multiplier, Multiplier).Fill(input[c]);");
            w.Close();
        }
        w.Close();
        w.Close();
    }

    /// <summary>Output vectors per pixel up to which a channel repeat is written out as shuffles (beyond: a loop).</summary>
    private const int MaxRepeatVectors = 64;

    private const string V128 = "global::System.Runtime.Intrinsics.Vector128";

    private static void UpSample(SourceWriter w, UpSampleStep s)
    {
        Constants(w, ("InH", s.InH), ("InW", s.InW), ("Channels", s.Channels), ("FactorH", s.FactorH), ("FactorW", s.FactorW),
            ("OutW", s.InW * s.FactorW));
        w.Open("for (int oy = 0; oy < InH * FactorH; oy++)");
        w.Open("for (int ox = 0; ox < OutW; ox++)");
        w.Line($"{Memory}.CreateReadOnlySpan(ref {At("source", "((oy / FactorH) * InW + ox / FactorW) * Channels")}, Channels)");
        w.Line($"    .CopyTo({Memory}.CreateSpan(ref {At("destination", "(oy * OutW + ox) * Channels")}, Channels));");
        w.Close();
        w.Close();
    }

    private static void Concatenate(SourceWriter w, ConcatenateStep s)
    {
        var constants = new List<(string, long)> { ("Pixels", s.Pixels), ("OutChannels", s.Channels.Sum()) };
        for (int k = 0; k < s.Channels.Count; k++) constants.Add(($"Channels{k}", s.Channels[k]));
        Constants(w, constants.ToArray());
        w.Open("for (int p = 0; p < Pixels; p++)");
        w.Line($"ref float output = ref {At("destination", "p * OutChannels")};");
        int offset = 0;
        for (int k = 0; k < s.Channels.Count; k++)
        {
            w.Line($"{Memory}.CreateReadOnlySpan(ref {At($"source{k}", $"p * Channels{k}")}, Channels{k}).CopyTo({Memory}.CreateSpan(ref {At("output", I(offset))}, Channels{k}));");
            offset += s.Channels[k];
        }
        w.Close();
    }
}
