using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace ShapeGen.Generators.Engine;

/// <summary>SG0004: arguments Keras rejects whatever the input shape is.</summary>
internal static class ArgumentRules
{
    public static void Check(LayerSpec spec, string name, int index, List<ShapeIssue> issues)
    {
        string title = LayerKindFacts.IsLayer(spec.Kind) ? $"{spec.Kind} '{name}'" : spec.Kind.ToString();
        void Report(string message) => issues.Add(new ShapeIssue(IssueIds.InvalidArgument, index, $"{title}: {message}"));
        void Positive(string what, int value, string example)
        {
            if (value <= 0) Report($"{what} must be positive, got {value}. {example}");
        }

        foreach (var problem in spec.ArgumentProblems)
        {
            Report(problem);
        }

        switch (spec.Kind)
        {
            case LayerKind.Conv1D:
            case LayerKind.Conv2D:
            case LayerKind.Conv2DTranspose:
            case LayerKind.SeparableConv2D:
                Positive("filters", spec.Filters, "It is the number of output channels, e.g. 32.");
                CheckWindow(spec, Report, "kernel");
                break;
            case LayerKind.DepthwiseConv2D:
                CheckWindow(spec, Report, "kernel");
                break;
            case LayerKind.MaxPooling1D:
            case LayerKind.AveragePooling1D:
            case LayerKind.MaxPooling2D:
            case LayerKind.AveragePooling2D:
                CheckWindow(spec, Report, "pool size");
                break;
            case LayerKind.Dense:
                Positive("units", spec.Units, "It is the number of outputs, e.g. 10.");
                break;
            case LayerKind.Dropout:
                if (!(spec.Rate >= 0 && spec.Rate < 1))
                    Report($"the rate must be in [0, 1), got {spec.Rate.ToString(CultureInfo.InvariantCulture)}. It is the fraction dropped during training, e.g. 0.5.");
                break;
            case LayerKind.BatchNormalization:
                if (!(spec.Epsilon > 0))
                    Report($"epsilon must be positive, got {spec.Epsilon.ToString(CultureInfo.InvariantCulture)}; Keras's default is 0.001.");
                break;
            case LayerKind.ZeroPadding2D:
            case LayerKind.Cropping2D:
                string verb = spec.Kind == LayerKind.ZeroPadding2D ? "padding" : "cropping";
                if (spec.Top < 0 || spec.Bottom < 0 || spec.Left < 0 || spec.Right < 0)
                    Report($"{verb} cannot be negative, got (top {spec.Top}, bottom {spec.Bottom}, left {spec.Left}, right {spec.Right}).");
                break;
            case LayerKind.UpSampling2D:
                if (spec.SizeHeight <= 0 || spec.SizeWidth <= 0)
                    Report($"the size must be positive, got {spec.SizeHeight}×{spec.SizeWidth}. [UpSampling2D(2)] doubles height and width.");
                break;
            case LayerKind.Reshape:
                CheckReshapeTarget(spec, Report);
                break;
            case LayerKind.ExpectShape:
                if (spec.Shape.Count == 0 || spec.Shape.Any(d => d <= 0))
                    Report($"the expected shape {Shapes.List(spec.Shape)} must have at least one dimension, all positive.");
                break;
        }
    }

    private static void CheckWindow(LayerSpec spec, System.Action<string> report, string window)
    {
        bool oneD = LayerKindFacts.Is1D(spec.Kind);
        bool badWindow = spec.KernelHeight <= 0 || (!oneD && spec.KernelWidth <= 0);
        if (badWindow)
            report($"the {window} must be positive, got {(oneD ? spec.KernelHeight.ToString(CultureInfo.InvariantCulture) : $"{spec.KernelHeight}×{spec.KernelWidth}")}.");
        // A pooling stride left out defaults to the pool size: [MaxPooling2D(0)] has one problem, not two.
        bool strideIsThePool = LayerKindFacts.IsPooling(spec.Kind) && spec.StrideHeight == spec.KernelHeight
            && (oneD || spec.StrideWidth == spec.KernelWidth);
        if ((spec.StrideHeight <= 0 || (!oneD && spec.StrideWidth <= 0)) && !(badWindow && strideIsThePool))
            report($"the stride must be positive, got {(oneD ? spec.StrideHeight.ToString(CultureInfo.InvariantCulture) : $"{spec.StrideHeight}×{spec.StrideWidth}")}.");
        if (spec.DilationHeight <= 0 || spec.DilationWidth <= 0)
            report($"the dilation rate must be positive, got {(spec.DilationHeight == spec.DilationWidth || oneD ? spec.DilationHeight.ToString(CultureInfo.InvariantCulture) : $"{spec.DilationHeight}×{spec.DilationWidth}")}.");
        if (spec.DepthMultiplier <= 0)
            report($"the depth multiplier must be positive, got {spec.DepthMultiplier}.");
        bool dilated = spec.DilationHeight > 1 || spec.DilationWidth > 1;
        bool strided = spec.StrideHeight > 1 || spec.StrideWidth > 1;
        if (dilated && strided)
            report($"Keras does not allow a dilation rate above 1 together with a stride above 1 (dilation {spec.DilationHeight}{(oneD ? "" : "×" + spec.DilationWidth)}, stride {spec.StrideHeight}{(oneD ? "" : "×" + spec.StrideWidth)}). Use one, or a separate pooling layer for the downsampling.");
        if (spec.Padding == PaddingMode.Causal && spec.Kind != LayerKind.Conv1D)
            report("Padding.Causal applies to Conv1D only. Use Padding.Valid or Padding.Same.");
        if (!System.Enum.IsDefined(typeof(PaddingMode), spec.Padding))
            report($"unknown padding value {(int)spec.Padding}. Use Padding.Valid or Padding.Same.");
    }

    private static void CheckReshapeTarget(LayerSpec spec, System.Action<string> report)
    {
        var shape = spec.Shape;
        if (shape.Count == 0)
        {
            report("the target shape is empty; give it without the batch axis, e.g. [Reshape(7, 7, 16)].");
            return;
        }
        int inferred = shape.Count(d => d == -1);
        if (inferred > 1)
            report($"at most one dimension can be -1 (inferred), got {Shapes.List(shape)}.");
        if (shape.Any(d => d == 0 || d < -1))
            report($"target dimensions must be positive (or one -1), got {Shapes.List(shape)}.");
    }
}
