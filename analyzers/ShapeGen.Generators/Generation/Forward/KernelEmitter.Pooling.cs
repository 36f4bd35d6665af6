using System;

namespace ShapeGen.Generators.Generation.Forward;

/// <summary>Max and average pooling, local and global.</summary>
internal static partial class KernelEmitter
{
    private static void Pool(SourceWriter w, PoolStep s, VectorWidth v)
    {
        Constants(w, ("InH", s.InH), ("InW", s.InW), ("Channels", s.Channels), ("OutH", s.OutH), ("OutW", s.OutW),
            ("PoolH", s.PoolH), ("PoolW", s.PoolW), ("StrideH", s.StrideH), ("StrideW", s.StrideW), ("PadTop", s.PadTop),
            ("PadLeft", s.PadLeft), ("VectorEnd", s.Channels / v.Lanes * v.Lanes));
        string start = s.Max ? $"{v.Static}.Create(float.NegativeInfinity)" : $"{v.Type}.Zero";
        w.Line(RowRangeAssert);
        w.Open("for (int oy = rowStart; oy < rowEnd; oy++)");
        w.Line("int y0 = oy * StrideH - PadTop;");
        w.Line("int yStart = global::System.Math.Max(0, y0), yEnd = global::System.Math.Min(InH, y0 + PoolH);");
        w.Open("for (int ox = 0; ox < OutW; ox++)");
        w.Line("int x0 = ox * StrideW - PadLeft;");
        w.Line("int xStart = global::System.Math.Max(0, x0), xEnd = global::System.Math.Min(InW, x0 + PoolW);");
        if (!s.Max) w.Line("float scale = 1f / ((yEnd - yStart) * (xEnd - xStart)); // padded cells do not count");
        w.Line($"ref float output = ref {At("destination", OutputPixel(s, "oy", "ox", "Channels"))};");
        w.Open($"for (int c = 0; c < VectorEnd; c += {v.Lanes})");
        w.Line($"var result = {start};");
        w.Open("for (int y = yStart; y < yEnd; y++)");
        w.Open("for (int x = xStart; x < xEnd; x++)");
        string value = Load(v, "source", "(y * InW + x) * Channels + c");
        w.Line(s.Max ? $"result = {v.Static}.Max(result, {value});" : $"result += {value};");
        w.Close();
        w.Close();
        w.Line(Store(v, s.Max ? "result" : "result * scale", "output", "c"));
        w.Close();
        if (s.Channels % v.Lanes != 0)
        {
            w.Open("for (int c = VectorEnd; c < Channels; c++)");
            w.Line($"float result = {(s.Max ? "float.NegativeInfinity" : "0f")};");
            w.Open("for (int y = yStart; y < yEnd; y++)");
            w.Open("for (int x = xStart; x < xEnd; x++)");
            string scalar = At("source", "(y * InW + x) * Channels + c");
            w.Line(s.Max ? $"result = global::System.MathF.Max(result, {scalar});" : $"result += {scalar};");
            w.Close();
            w.Close();
            w.Line($"{At("output", "c")} = {(s.Max ? "result" : "result * scale")};");
            w.Close();
        }
        w.Close();
        w.Close();
    }

    /// <summary>
    /// Vectors of channels summed (or maxed) side by side over the pixels. One accumulator alone waits on the add
    /// latency every pixel; eight independent ones keep both FP add pipes busy. Each channel is still reduced over the
    /// pixels in order, so the results are the same as one vector at a time.
    /// </summary>
    private const int GlobalPoolVectorsInFlight = 8;

    private static void GlobalPool(SourceWriter w, GlobalPoolStep s, VectorWidth v)
    {
        int vectors = s.Channels / v.Lanes;
        int group = Math.Min(GlobalPoolVectorsInFlight, vectors);
        int groupedEnd = group == 0 ? 0 : vectors / group * group * v.Lanes;
        Constants(w, ("Pixels", s.Pixels), ("Channels", s.Channels), ("GroupedEnd", groupedEnd), ("VectorEnd", vectors * v.Lanes),
            ("Divisor", s.Divisor));
        if (group > 0)
        {
            w.Open($"for (int c = 0; c < GroupedEnd; c += {group * v.Lanes})");
            GlobalPoolVectors(w, s, v, group);
            w.Close();
        }
        if (group > 0 && vectors % group is var rest and > 0)
        {
            w.Open("");
            w.Line("const int c = GroupedEnd;");
            GlobalPoolVectors(w, s, v, rest);
            w.Close();
        }
        if (s.Channels % v.Lanes != 0)
        {
            w.Open("for (int c = VectorEnd; c < Channels; c++)");
            w.Line($"float result = {(s.Max ? "float.NegativeInfinity" : "0f")};");
            w.Open("for (int p = 0; p < Pixels; p++)");
            string scalar = At("source", "p * Channels + c");
            w.Line(s.Max ? $"result = global::System.MathF.Max(result, {scalar});" : $"result += {scalar};");
            w.Close();
            w.Line($"{At("destination", "c")} = {(s.Max ? "result" : "result * (1f / Divisor)")};");
            w.Close();
        }
    }

    /// <summary>
    /// One step of a global pooling's vector reduction: the same operation whether the pooling reads a stored image or
    /// a convolution reduces its rows (<see cref="ConvolutionStep.PoolRows"/>).
    /// </summary>
    private static string PoolInto(VectorWidth v, bool max, string accumulator, string value)
        => max ? $"{accumulator} = {v.Static}.Max({accumulator}, {value});" : $"{accumulator} += {value};";

    /// <summary>Reduces <paramref name="count"/> vectors of channels from <c>c</c> on over every pixel.</summary>
    private static void GlobalPoolVectors(SourceWriter w, GlobalPoolStep s, VectorWidth v, int count)
    {
        string start = s.Max ? $"{v.Static}.Create(float.NegativeInfinity)" : $"{v.Type}.Zero";
        for (int i = 0; i < count; i++) w.Line($"var result{i} = {start};");
        w.Open("for (int p = 0; p < Pixels; p++)");
        w.Line("int pixel = p * Channels + c;");
        for (int i = 0; i < count; i++)
        {
            w.Line(PoolInto(v, s.Max, $"result{i}", Load(v, "source", $"pixel + {i * v.Lanes}")));
        }
        w.Close();
        for (int i = 0; i < count; i++)
            w.Line(Store(v, s.Max ? $"result{i}" : $"result{i} * (1f / Divisor)", "destination", $"c + {i * v.Lanes}"));
    }
}
