using System;

namespace ShapeGen.Generators.Generation.Forward;

/// <summary>Transposed convolutions: each input pixel scattered through the kernel into a full-size buffer, then cropped with the bias added.</summary>
internal static partial class KernelEmitter
{
    private static void TransposeScatter(SourceWriter w, TransposeScatterStep s, VectorWidth v)
    {
        Constants(w, ("InH", s.InH), ("InW", s.InW), ("Channels", s.Channels), ("FullW", s.FullW), ("PaddedFilters", s.PaddedFilters),
            ("KernelH", s.KernelH), ("KernelW", s.KernelW), ("StrideH", s.StrideH), ("StrideW", s.StrideW));
        w.Line($"ref float kernel = ref {At("weights", I(s.KernelOffset))};");
        w.Line($"{Memory}.CreateSpan(ref destination, {I((long)s.FullH * s.FullW * s.PaddedFilters)}).Clear();");
        int vectors = s.PaddedFilters / v.Lanes;
        int perChunk = Math.Min(vectors, 8);
        while (vectors % perChunk != 0) perChunk--; // chunks must tile PaddedFilters exactly
        w.Open("for (int iy = 0; iy < InH; iy++)");
        w.Open("for (int ix = 0; ix < InW; ix++)");
        w.Line($"ref float x = ref {At("source", "(iy * InW + ix) * Channels")};");
        w.Open("for (int ky = 0; ky < KernelH; ky++)");
        w.Open("for (int kx = 0; kx < KernelW; kx++)");
        w.Line($"ref float output = ref {At("destination", "((iy * StrideH + ky) * FullW + ix * StrideW + kx) * PaddedFilters")};");
        w.Line($"ref float taps = ref {At("kernel", "(ky * KernelW + kx) * Channels * PaddedFilters")};");
        w.Open($"for (int f0 = 0; f0 < PaddedFilters; f0 += {perChunk * v.Lanes})");
        for (int j = 0; j < perChunk; j++) w.Line($"var a{j} = {Load(v, "output", $"f0 + {j * v.Lanes}")};");
        w.Line($"ref float k = ref {At("taps", "f0")};");
        w.Open("for (int c = 0; c < Channels; c++)");
        w.Line($"var xc = {v.Static}.Create({At("x", "c")});");
        for (int j = 0; j < perChunk; j++) w.Line($"a{j} = {Simd}.Fma(xc, {Load(v, "k", I(j * v.Lanes))}, a{j});");
        w.Line($"k = ref {At("k", "PaddedFilters")};");
        w.Close();
        for (int j = 0; j < perChunk; j++) w.Line(Store(v, $"a{j}", "output", $"f0 + {j * v.Lanes}"));
        w.Close();
        w.Close();
        w.Close();
        w.Close();
        w.Close();
    }

    private static void TransposeCrop(SourceWriter w, TransposeCropStep s, VectorWidth v)
    {
        Constants(w, ("FullW", s.FullW), ("PaddedFilters", s.PaddedFilters), ("OutH", s.OutH), ("OutW", s.OutW), ("Filters", s.Filters),
            ("Top", s.Top), ("Left", s.Left), ("VectorEnd", s.Filters / v.Lanes * v.Lanes));
        w.Line($"ref float bias = ref {At("weights", I(s.BiasOffset))};");
        w.Open("for (int oy = 0; oy < OutH; oy++)");
        w.Open("for (int ox = 0; ox < OutW; ox++)");
        w.Line($"ref float input = ref {At("source", "((oy + Top) * FullW + ox + Left) * PaddedFilters")};");
        w.Line($"ref float output = ref {At("destination", "(oy * OutW + ox) * Filters")};");
        w.Open($"for (int c = 0; c < VectorEnd; c += {v.Lanes})");
        w.Line(Store(v, Activate($"{Load(v, "input", "c")} + {Load(v, "bias", "c")}", s.Activation), "output", "c"));
        w.Close();
        if (s.Filters % v.Lanes != 0)
        {
            w.Open("for (int c = VectorEnd; c < Filters; c++)");
            w.Line($"{At("output", "c")} = {ActivateScalar($"{At("input", "c")} + {At("bias", "c")}", s.Activation)};");
            w.Close();
        }
        w.Close();
        w.Close();
    }
}
