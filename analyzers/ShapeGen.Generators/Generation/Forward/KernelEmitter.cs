using System;
using System.Globalization;
using System.Linq;
using ShapeGen.Generators.Engine;

namespace ShapeGen.Generators.Generation.Forward;

/// <summary>
/// Writes one step as a static method for one vector width. Every size is a <c>const</c>, loops run over fixed
/// bounds, memory is walked with unchecked references into pinned, aligned buffers, and the output-channel
/// loop of convolutions is register-blocked (several pixels × several vectors of accumulators). This file dispatches
/// and holds what every kernel shares; each kind of kernel is in its own file (<c>KernelEmitter.Convolution.cs</c>,
/// <c>.Depthwise.cs</c>, <c>.Pooling.cs</c>, <c>.TransposedConvolution.cs</c>, <c>.Copies.cs</c>, <c>.Elementwise.cs</c>).
/// </summary>
internal static partial class KernelEmitter
{
    public const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";
    public const string Memory = "global::System.Runtime.InteropServices.MemoryMarshal";
    private const string Simd = "global::ShapeGen.Runtime.Simd";
    private const string Optimize = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]";

    public static string MethodName(int index, ForwardStep step, VectorWidth width)
        => $"Step{index}_{step.GetType().Name.Replace("Step", "")}_{width.Suffix}";

    /// <summary>Whether the step's kernel applies its activation itself (ReLU/ReLU6 in the store).</summary>
    public static bool FusesInStore(ActivationKind activation) => activation is ActivationKind.Linear or ActivationKind.Relu or ActivationKind.Relu6;

    public static void Write(SourceWriter w, int index, ForwardStep step, VectorWidth width)
    {
        w.Line($"/// <summary>{CSharpLiterals.XmlEscape(step.LayerName)}: {CSharpLiterals.XmlEscape(Describe(step))}</summary>");
        w.Line(NetworkEmitter.GeneratedCodeAttribute);
        w.Line(Optimize);
        string sources = step switch
        {
            WinogradStep => "ref float workspace", // its input and scratch buffers are at known offsets in the workspace
            _ when step.Sources.Length == 1 => "ref float source",
            _ => string.Join(", ", step.Sources.Select((_, i) => $"ref float source{i}")),
        };
        string rows = step switch
        {
            WinogradStep => ", int tileRowStart, int tileRowEnd", // rows of 2×2 output tiles
            _ when ParallelSplit.HasRowRange(step) => ", int rowStart, int rowEnd", // output rows [rowStart, rowEnd)
            _ => "",
        };
        string name = MethodName(index, step, width);
        w.Open($"private static void {name}({sources}, ref float destination, ref float weights{rows})");
        var body = new SourceWriter();
        if (step.Frame is { } frame)
        {
            if (step is WinogradStep tiled)
                body.Line($"int rowStart = 2 * tileRowStart, rowEnd = global::System.Math.Min(2 * tileRowEnd, {I(tiled.OutH)}); // the output rows of those tiles");
            ZeroFrameBorder(body, step, frame);
        }
        switch (step)
        {
            // Tiny layers (SmallConvolutionEmitter.cs); those kernels write dense outputs, so a framed step takes the general one.
            case ForwardStep when step.Frame is null && SmallConvolutionEmitter.TryWrite(body, step, width): break;
            case ConvolutionStep s: Convolution(body, ForWidth(s, width), width); break;
            case WinogradStep s: WinogradEmitter.Write(body, s, width, WinogradEmitter.ProductsMethod(name)); break;
            case DepthwiseStep s: Depthwise(body, s, width); break;
            case WindowCopyStep s: WindowCopy(body, s); break;
            case PoolStep s: Pool(body, s, width); break;
            case GlobalPoolStep s: GlobalPool(body, s, width); break;
            case UpSampleStep s: UpSample(body, s); break;
            case ScaleShiftStep s: ScaleShift(body, s, width); break;
            case TransposeScatterStep s: TransposeScatter(body, s, width); break;
            case TransposeCropStep s: TransposeCrop(body, s, width); break;
            case ActivationStep s: ActivationPass(body, s); break;
            case AddStep s: Add(body, s, width); break;
            case ConcatenateStep s: Concatenate(body, s); break;
            case CopyStep s:
                body.Line($"{Memory}.CreateReadOnlySpan(ref source, {s.OutputElements}).CopyTo({Memory}.CreateSpan(ref destination, {s.OutputElements}));");
                break;
            default: throw new InvalidOperationException("Unknown step " + step.GetType().Name);
        }
        WriteWithoutUnusedConstants(w, body.ToString());
        w.Close();
        w.Line();
        if (step is WinogradStep winograd) WinogradEmitter.WriteProducts(w, winograd, width, WinogradEmitter.ProductsMethod(name));
    }

    private static readonly System.Text.RegularExpressions.Regex ConstantDeclaration =
        new(@"^\s*const int (\w+) = ", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>
    /// Copies a kernel body, leaving out the <c>const</c> sizes the chosen loop structure does not use (each kernel
    /// declares the layer's full geometry up front; an unused local constant would be a compiler warning).
    /// </summary>
    internal static void WriteWithoutUnusedConstants(SourceWriter w, string body)
    {
        var lines = body.TrimEnd('\n').Split('\n');
        foreach (var line in lines)
        {
            var match = ConstantDeclaration.Match(line);
            if (match.Success)
            {
                var use = new System.Text.RegularExpressions.Regex(@"\b" + match.Groups[1].Value + @"\b", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
                if (!lines.Any(other => !ReferenceEquals(other, line) && use.IsMatch(other))) continue;
            }
            w.Line(line);
        }
    }

    public static string Describe(ForwardStep step) => step switch
    {
        WinogradStep s => $"convolution 3×3 by Winograd F(2×2, 3×3), {s.Channels} → {s.Filters} channels, output {s.OutH}×{s.OutW} ({s.Tiles} tiles of 2×2)",
        ConvolutionStep s => $"convolution {s.KernelH}×{s.KernelW}, stride {s.StrideH}×{s.StrideW}, dilation {s.DilationH}×{s.DilationW}, {s.Channels} → {s.Filters} channels, output {s.OutH}×{s.OutW}{(s.Border is null ? "" : ", zero padding read in place")}{(s.PoolRows is null ? "" : $", each row's outputs {(s.PoolRows.Max ? "maxed" : "summed")} for the global pooling")}",
        DepthwiseStep s => $"depthwise {s.KernelH}×{s.KernelW}, stride {s.StrideH}×{s.StrideW}, {s.Channels} channels, output {s.OutH}×{s.OutW}",
        WindowCopyStep s => $"copy {s.SourceH}×{s.SourceW}×{s.Channels} into {s.OutH}×{s.OutW} at ({s.Top}, {s.Left}){(s.Multiplier > 1 ? $", each channel ×{s.Multiplier}" : "")}",
        PoolStep s => $"{(s.Max ? "max" : "average")} pool {s.PoolH}×{s.PoolW}, stride {s.StrideH}×{s.StrideW}, {s.InH}×{s.InW}×{s.Channels} → {s.OutH}×{s.OutW}",
        GlobalPoolStep s => s.OfRows
            ? $"global {(s.Max ? "max" : "average")} of the convolution's {s.Pixels} row results × {s.Channels} channels ({s.Divisor} pixels)"
            : $"global {(s.Max ? "max" : "average")} over {s.Pixels} pixels × {s.Channels} channels",
        UpSampleStep s => $"nearest upsampling ×{s.FactorH}×{s.FactorW} of {s.InH}×{s.InW}×{s.Channels}",
        ScaleShiftStep s => $"batch normalization (scale and shift) of {s.Pixels}×{s.Channels}",
        TransposeScatterStep s => $"transposed convolution {s.KernelH}×{s.KernelW}, stride {s.StrideH}×{s.StrideW}: scatter {s.InH}×{s.InW}×{s.Channels} into {s.FullH}×{s.FullW}×{s.Filters}",
        TransposeCropStep s => $"transposed convolution: crop to {s.OutH}×{s.OutW}×{s.Filters} at ({s.Top}, {s.Left}), add bias",
        ActivationStep s => $"{s.Activation} over {s.OutputElements} values",
        AddStep s => $"sum of {s.Sources.Length} tensors of {s.Elements} values",
        ConcatenateStep s => $"concatenate {string.Join(" + ", s.Channels)} channels over {s.Pixels} positions",
        _ when SmallConvolutionEmitter.Describe(step) is { } text => text,
        _ => "copy",
    };

    /// <summary>The contract of a row range (<see cref="ParallelSplit"/>); compiled only into the user's Debug builds.</summary>
    private const string RowRangeAssert = "global::System.Diagnostics.Debug.Assert(0 <= rowStart && rowStart <= rowEnd && rowEnd <= OutH);";

    internal static string I(long value) => value.ToString(CultureInfo.InvariantCulture);

    internal static void Constants(SourceWriter w, params (string Name, long Value)[] constants)
    {
        foreach (var (name, value) in constants)
        {
            w.Line($"const int {name} = {I(value)};");
        }
    }

    /// <summary>ReLU and ReLU6 applied to a vector in registers.</summary>
    internal static string Activate(string value, ActivationKind activation) => activation switch
    {
        ActivationKind.Relu => $"{Simd}.Relu({value})",
        ActivationKind.Relu6 => $"{Simd}.Relu6({value})",
        _ => value,
    };

    internal static string ActivateScalar(string value, ActivationKind activation) => activation switch
    {
        ActivationKind.Relu => $"global::System.MathF.Max({value}, 0f)",
        ActivationKind.Relu6 => $"global::System.MathF.Min(global::System.MathF.Max({value}, 0f), 6f)",
        _ => value,
    };

    internal static string Load(VectorWidth v, string reference, string offset) => $"{v.Static}.LoadUnsafe(ref {reference}, (nuint)({offset}))";

    internal static string Store(VectorWidth v, string value, string reference, string offset) => $"{v.Static}.StoreUnsafe({value}, ref {reference}, (nuint)({offset}));";

    internal static string At(string reference, string offset) => $"{Unsafe}.Add(ref {reference}, {offset})";

    /// <summary>
    /// Offset of output pixel (<paramref name="oy"/>, <paramref name="ox"/>): dense rows of <c>OutW</c> pixels, or inside the
    /// step's zero-bordered frame (the next layer's padding).
    /// </summary>
    internal static string OutputPixel(ForwardStep s, string oy, string ox, string channels) => s.Frame is { } f
        ? $"(({oy} + {I(f.Top)}) * {I(f.Width)} + {ox} + {I(f.Left)}) * {channels}"
        : $"({oy} * OutW + {ox}) * {channels}";

    /// <summary>
    /// Zeroes the border of the step's output frame, which the next layer reads as its zero padding. The buffer is a
    /// reused workspace slot, so the border is cleared on every call (a few rows and columns, not the whole image).
    /// Every frameable step has a row range; each call clears only the border beside its own rows (the top border with
    /// the first row, the bottom one with the last), so threads splitting the rows never write the same cache lines.
    /// </summary>
    private static void ZeroFrameBorder(SourceWriter w, ForwardStep step, OutputFrame f)
    {
        var (outH, outW, channels) = step.FrameableImage ?? throw new InvalidOperationException($"{step.GetType().Name} cannot write into a frame.");
        long row = (long)f.Width * channels;
        int right = f.Width - f.Left - outW, bottom = f.Height - f.Top - outH;
        w.Line($"// Zero padding around the {outH}×{outW} output in its {f.Height}×{f.Width} frame (read by the next layer).");
        if (f.Top > 0) w.Line($"if (rowStart == 0) {Memory}.CreateSpan(ref destination, {I(f.Top * row)}).Clear();");
        if (bottom > 0) w.Line($"if (rowEnd == {I(outH)}) {Memory}.CreateSpan(ref {At("destination", I((f.Top + outH) * row))}, {I(bottom * row)}).Clear();");
        if (f.Left > 0 || right > 0)
        {
            w.Open($"for (int y = rowStart + {I(f.Top)}; y < rowEnd + {I(f.Top)}; y++)");
            if (f.Left > 0) w.Line($"{Memory}.CreateSpan(ref {At("destination", $"y * {I(row)}")}, {I((long)f.Left * channels)}).Clear();");
            if (right > 0) w.Line($"{Memory}.CreateSpan(ref {At("destination", $"y * {I(row)} + {I((long)(f.Left + outW) * channels)}")}, {I((long)right * channels)}).Clear();");
            w.Close();
        }
    }
}
