using ShapeGen.Generators.Engine;

namespace ShapeGen.Tests.Engine;

/// <summary>
/// The output-size and padding rules of KERAS_NOTES.md, with the values worked out by hand from the formulas there,
/// plus a brute-force count of window positions over a grid of sizes.
/// </summary>
public sealed class WindowArithmeticTests
{
    [Theory]
    // valid: floor((n - k') / s) + 1, k' = d(k - 1) + 1
    [InlineData(28, 3, 1, 1, 26)]
    [InlineData(6, 3, 2, 1, 2)]   // (6 - 3) / 2 + 1 = 2.5 -> 2
    [InlineData(7, 3, 2, 1, 3)]
    [InlineData(11, 2, 2, 1, 5)]  // (11 - 2) / 2 + 1 = 5.5 -> 5
    [InlineData(10, 3, 1, 2, 6)]  // k' = 5
    [InlineData(16, 3, 1, 3, 10)] // k' = 7
    [InlineData(5, 5, 1, 1, 1)]
    public void Valid_output_length(int n, int k, int s, int d, int expected)
        => Assert.Equal(expected, WindowArithmetic.OutputLength(n, k, s, d, PaddingMode.Valid));

    [Theory]
    [InlineData(4, 5, 1, 1)]
    [InlineData(4, 3, 1, 2)] // k' = 5 > 4
    [InlineData(1, 2, 2, 1)]
    public void Valid_output_is_not_positive_when_the_window_does_not_fit(int n, int k, int s, int d)
        => Assert.True(WindowArithmetic.OutputLength(n, k, s, d, PaddingMode.Valid) <= 0);

    [Theory]
    // same and causal: ceil(n / s), whatever the kernel
    [InlineData(6, 3, 2, 3)]
    [InlineData(7, 3, 2, 4)]
    [InlineData(5, 7, 3, 2)]
    [InlineData(1, 9, 4, 1)]
    [InlineData(20, 4, 3, 7)]
    public void Same_and_causal_output_length(int n, int k, int s, int expected)
    {
        Assert.Equal(expected, WindowArithmetic.OutputLength(n, k, s, 1, PaddingMode.Same));
        Assert.Equal(expected, WindowArithmetic.OutputLength(n, k, s, 1, PaddingMode.Causal));
    }

    [Theory]
    // total = max(0, (ceil(n/s) - 1)s + k' - n); before = total / 2; after = total - before
    [InlineData(7, 3, 2, 1, 2, 1)]  // 3*2 + 3 - 7 = 2: one each side
    [InlineData(6, 3, 2, 1, 1, 0)]  // 2*2 + 3 - 6 = 1: the extra row goes after (bottom/right)
    [InlineData(6, 4, 1, 1, 3, 1)]  // 5 + 4 - 6 = 3: 1 before, 2 after
    [InlineData(10, 3, 3, 1, 2, 1)] // 3*3 + 3 - 10 = 2
    [InlineData(6, 2, 3, 1, 0, 0)]  // 3 + 2 - 6 = -1 -> 0
    [InlineData(5, 1, 2, 1, 0, 0)]
    [InlineData(16, 3, 1, 2, 4, 2)] // k' = 5: 15 + 5 - 16 = 4
    [InlineData(20, 4, 3, 1, 2, 1)] // ceil(20/3) = 7: 6*3 + 4 - 20 = 2
    public void Same_padding_before_and_after(int n, int k, int s, int d, int total, int before)
    {
        Assert.Equal(total, WindowArithmetic.TotalSamePadding(n, k, s, d));
        Assert.Equal(before, WindowArithmetic.PadBefore(n, k, s, d, PaddingMode.Same));
        int after = total - before;
        Assert.True(after >= before, "TensorFlow puts the odd extra cell after");
    }

    [Theory]
    // causal: k' - 1 before, nothing after
    [InlineData(3, 1, 2)]
    [InlineData(3, 2, 4)]
    [InlineData(5, 1, 4)]
    [InlineData(1, 1, 0)]
    public void Causal_pads_the_dilated_span_before(int k, int d, int expected)
        => Assert.Equal(expected, WindowArithmetic.PadBefore(50, k, 1, d, PaddingMode.Causal));

    [Fact]
    public void Valid_padding_pads_nothing()
        => Assert.Equal(0, WindowArithmetic.PadBefore(7, 3, 2, 1, PaddingMode.Valid));

    [Theory]
    // Conv2DTranspose: valid n*s + max(k - s, 0), same n*s
    [InlineData(5, 3, 2, 11, 10)]
    [InlineData(11, 3, 2, 23, 22)]
    [InlineData(23, 2, 3, 69, 69)] // k < s: no overlap, no extra
    [InlineData(13, 2, 2, 26, 26)]
    [InlineData(4, 5, 1, 8, 4)]
    public void Transpose_output_length(int n, int k, int s, int valid, int same)
    {
        Assert.Equal(valid, WindowArithmetic.TransposeOutputLength(n, k, s, PaddingMode.Valid));
        Assert.Equal(same, WindowArithmetic.TransposeOutputLength(n, k, s, PaddingMode.Same));
    }

    [Theory]
    [InlineData(6, 3, 2, 1, 1)]
    [InlineData(11, 2, 2, 1, 1)]
    [InlineData(7, 3, 2, 1, 0)]
    [InlineData(10, 3, 4, 1, 3)]  // (10 - 3) mod 4
    [InlineData(10, 3, 2, 2, 1)]  // k' = 5: (10 - 5) mod 2
    public void Dropped_cells(int n, int k, int s, int d, int expected)
        => Assert.Equal(expected, WindowArithmetic.DroppedCells(n, k, s, d));

    [Theory]
    [InlineData(6, 3, 2, 1, "(6 - 3) / 2 + 1 = 2.5")]
    [InlineData(11, 2, 2, 1, "(11 - 2) / 2 + 1 = 5.5")]
    [InlineData(10, 3, 3, 1, "(10 - 3) / 3 + 1 = 3.333")]
    [InlineData(10, 3, 1, 2, "10 - 5 + 1 = 6")]
    public void Formula_text(int n, int k, int s, int d, string expected)
        => Assert.Equal(expected, WindowArithmetic.Formula(n, k, s, d));

    /// <summary>Counting window positions directly: starts 0, s, 2s, ... whose dilated span fits.</summary>
    [Fact]
    public void Agrees_with_counting_window_positions()
    {
        for (int n = 1; n <= 24; n++)
        for (int k = 1; k <= 7; k++)
        for (int s = 1; s <= 4; s++)
        for (int d = 1; d <= 3; d++)
        {
            int span = d * (k - 1) + 1;
            int validPositions = 0;
            for (int start = 0; start + span <= n; start += s) validPositions++;
            int valid = WindowArithmetic.OutputLength(n, k, s, d, PaddingMode.Valid);
            if (validPositions > 0) Assert.Equal(validPositions, valid);
            else Assert.True(valid <= 0, $"n={n} k={k} s={s} d={d}: no window fits but the output is {valid}");

            // same: the fewest padding cells that let ceil(n/s) windows, s apart, fit; split with the extra after.
            int same = (n + s - 1) / s;
            Assert.Equal(same, WindowArithmetic.OutputLength(n, k, s, d, PaddingMode.Same));
            int total = 0;
            while ((same - 1) * s + span > n + total) total++;
            Assert.Equal(total, WindowArithmetic.TotalSamePadding(n, k, s, d));
            Assert.Equal(total / 2, WindowArithmetic.PadBefore(n, k, s, d, PaddingMode.Same));

            if (validPositions > 0)
            {
                int lastRead = (validPositions - 1) * s + span; // cells 0 .. lastRead-1 are read
                Assert.Equal(n - lastRead, WindowArithmetic.DroppedCells(n, k, s, d));
            }
        }
    }
}
