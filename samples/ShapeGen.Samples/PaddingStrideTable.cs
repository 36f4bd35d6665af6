using System;
using System.Collections.Generic;
using System.Globalization;

namespace ShapeGen.Samples;

// One 3×3 convolution on a 10×10 image, with each padding and stride 1, 2, 3.
// Valid stride 2 and 3 leave the last row and column unread, (10 - 3) = 7 is not a multiple of 2 or 3,
// so the build warns SG0002 on those two: that is the point of the table.

[Input(10, 10, 1)]
[Conv2D(1, 3, Padding.Valid, Stride = 1)]
public partial class ValidStride1;

[Input(10, 10, 1)]
[Conv2D(1, 3, Padding.Valid, Stride = 2)]
public partial class ValidStride2;

[Input(10, 10, 1)]
[Conv2D(1, 3, Padding.Valid, Stride = 3)]
public partial class ValidStride3;

[Input(10, 10, 1)]
[Conv2D(1, 3, Padding.Same, Stride = 1)]
public partial class SameStride1;

[Input(10, 10, 1)]
[Conv2D(1, 3, Padding.Same, Stride = 2)]
public partial class SameStride2;

[Input(10, 10, 1)]
[Conv2D(1, 3, Padding.Same, Stride = 3)]
public partial class SameStride3;

/// <summary>Prints the output size of each network above, read from its generated <c>OutputShape</c>, beside the formula.</summary>
public static class PaddingStrideTable
{
    private const int N = 10, K = 3;

    public static string Render()
    {
        var rows = new List<(string Name, Padding Padding, int Stride, int[] Output)>
        {
            (nameof(ValidStride1), Padding.Valid, 1, ValidStride1.OutputShape.ToArray()),
            (nameof(ValidStride2), Padding.Valid, 2, ValidStride2.OutputShape.ToArray()),
            (nameof(ValidStride3), Padding.Valid, 3, ValidStride3.OutputShape.ToArray()),
            (nameof(SameStride1), Padding.Same, 1, SameStride1.OutputShape.ToArray()),
            (nameof(SameStride2), Padding.Same, 2, SameStride2.OutputShape.ToArray()),
            (nameof(SameStride3), Padding.Same, 3, SameStride3.OutputShape.ToArray()),
        };

        var text = new System.Text.StringBuilder();
        text.AppendLine($"Conv2D(1, {K}) on a {N}×{N}×1 input: output size by padding and stride");
        text.AppendLine("  valid: floor((n - k) / s) + 1    same: ceil(n / s)    (n = 10, k = 3)");
        text.AppendLine();
        text.AppendLine($"  {"network",-13} {"padding",-8} {"stride",6}  {"formula",-26} {"output",-8} never read");
        foreach (var (name, padding, stride, output) in rows)
        {
            string formula;
            string unread = "-";
            if (padding == Padding.Valid)
            {
                double exact = (double)(N - K) / stride + 1;
                formula = $"({N} - {K}) / {stride} + 1 = {exact.ToString("0.##", CultureInfo.InvariantCulture)}";
                int dropped = (N - K) % stride;
                if (dropped > 0) unread = dropped == 1 ? "last row and column (SG0002)" : $"last {dropped} rows and columns (SG0002)";
            }
            else
            {
                formula = $"ceil({N} / {stride}) = {(N + stride - 1) / stride}";
            }
            string size = $"{output[0]}×{output[1]}";
            text.AppendLine($"  {name,-13} {padding,-8} {stride,6}  {formula,-26} {size,-8} {unread}");
        }
        return text.ToString();
    }
}
