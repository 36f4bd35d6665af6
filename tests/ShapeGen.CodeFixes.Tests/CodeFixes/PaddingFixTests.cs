using ShapeGen.CodeFixes.Tests.Infrastructure;

namespace ShapeGen.CodeFixes.Tests.CodeFixes;

// SG0002 (valid padding drops rows/columns) and SG0003 (empty output): before/after text for each fix. Every
// FixTest also runs fix-all in document, project and solution scope on the same source.

public sealed class UsePaddingSame
{
    [Fact]
    public Task SG0002_adds_the_padding_argument_after_the_kernel() => FixTest<UsePaddingSameCodeFixProvider>.RunAsync("""
        [Input(10, 10, 1)]
        [{|SG0002:Conv2D(4, 3, Stride = 3, Activation = Activation.Relu)|}]
        [Flatten]
        public partial class Net;
        """, """
        [Input(10, 10, 1)]
        [Conv2D(4, 3, Padding.Same, Stride = 3, Activation = Activation.Relu)]
        [Flatten]
        public partial class Net;
        """, UsePaddingSameCodeFixProvider.EquivalenceKey);

    [Fact]
    public Task SG0002_replaces_an_explicit_Padding_Valid() => FixTest<UsePaddingSameCodeFixProvider>.RunAsync("""
        [Input(10, 10, 1)]
        [{|SG0002:Conv2D(4, 3, 3, Padding.Valid, Stride = 3)|}]
        public partial class Net;
        """, """
        [Input(10, 10, 1)]
        [Conv2D(4, 3, 3, Padding.Same, Stride = 3)]
        public partial class Net;
        """, UsePaddingSameCodeFixProvider.EquivalenceKey);

    [Fact]
    public Task SG0002_on_pooling_the_fixed_layer_gets_the_SG0011_portability_note() => FixTest<UsePaddingSameCodeFixProvider>.RunAsync("""
        [Input(11, 11, 8)]
        [{|SG0002:MaxPooling2D(2)|}]
        [Flatten]
        public partial class Net;
        """, """
        [Input(11, 11, 8)]
        [{|SG0011:MaxPooling2D(2, Padding.Same)|}]
        [Flatten]
        public partial class Net;
        """, UsePaddingSameCodeFixProvider.EquivalenceKey);

    [Fact]
    public Task SG0002_pooling_with_the_default_pool_size_gets_a_named_argument() => FixTest<UsePaddingSameCodeFixProvider>.RunAsync("""
        [Input(12, 12, 8)]
        [{|SG0002:AveragePooling2D(Stride = 3)|}]
        public partial class Net;
        """, """
        [Input(12, 12, 8)]
        [AveragePooling2D(padding: Padding.Same, Stride = 3)]
        public partial class Net;
        """, UsePaddingSameCodeFixProvider.EquivalenceKey);

    [Fact]
    public Task SG0002_qualified_names_stay_qualified() => FixTest<UsePaddingSameCodeFixProvider>.RunAsync("""
        [ShapeGen.Input(100, 4)]
        [{|SG0002:ShapeGen.Conv1D(8, 4, Stride = 5)|}]
        public partial class Net;
        """, """
        [ShapeGen.Input(100, 4)]
        [ShapeGen.Conv1D(8, 4, ShapeGen.Padding.Same, Stride = 5)]
        public partial class Net;
        """, UsePaddingSameCodeFixProvider.EquivalenceKey);

    [Fact]
    public Task SG0003_kernel_larger_than_the_input() => FixTest<UsePaddingSameCodeFixProvider>.RunAsync("""
        [Input(4, 4, 1)]
        [{|SG0003:Conv2D(2, 5)|}]
        [Flatten]
        [Dense(3)]
        public partial class Net;
        """, """
        [Input(4, 4, 1)]
        [Conv2D(2, 5, Padding.Same)]
        [Flatten]
        [Dense(3)]
        public partial class Net;
        """, UsePaddingSameCodeFixProvider.EquivalenceKey);
}

public sealed class InsertZeroPadding
{
    [Fact]
    public Task SG0002_6x6_kernel_3_stride_2_pads_one_row_and_column_after() => FixTest<InsertZeroPaddingCodeFixProvider>.RunAsync("""
        [Input(6, 6, 1)]
        [{|SG0002:Conv2D(1, 3, Stride = 2)|}]
        [Flatten]
        public partial class Net;
        """, """
        [Input(6, 6, 1)]
        [ZeroPadding2D(0, 1, 0, 1)]
        [Conv2D(1, 3, Stride = 2)]
        [Flatten]
        public partial class Net;
        """, InsertZeroPaddingCodeFixProvider.EquivalenceKey);

    [Fact]
    public Task SG0002_two_missing_rows_split_like_same_padding_and_no_columns() => FixTest<InsertZeroPaddingCodeFixProvider>.RunAsync("""
        [Input(10, 12, 1)]
        [{|SG0002:Conv2D(1, 3, Stride = 3)|}]
        public partial class Net;
        """, """
        [Input(10, 12, 1)]
        [ZeroPadding2D(1, 1, 0, 0)]
        [Conv2D(1, 3, Stride = 3)]
        public partial class Net;
        """, InsertZeroPaddingCodeFixProvider.EquivalenceKey);

    [Fact]
    public Task SG0002_in_a_shared_attribute_list() => FixTest<InsertZeroPaddingCodeFixProvider>.RunAsync("""
        [Input(11, 11, 4), {|SG0002:MaxPooling2D(2)|}]
        public partial class Net;
        """, """
        [Input(11, 11, 4), ZeroPadding2D(0, 1, 0, 1), MaxPooling2D(2)]
        public partial class Net;
        """, InsertZeroPaddingCodeFixProvider.EquivalenceKey);
}

public sealed class ChangeStride
{
    [Fact]
    public Task SG0002_smaller_stride() => FixTest<ChangeStrideCodeFixProvider>.RunAsync("""
        [Input(6, 6, 1)]
        [{|SG0002:Conv2D(1, 3, Stride = 2)|}]
        public partial class Net;
        """, """
        [Input(6, 6, 1)]
        [Conv2D(1, 3, Stride = 1)]
        public partial class Net;
        """, ChangeStrideCodeFixProvider.SmallerKey);

    [Fact]
    public Task SG0002_larger_stride() => FixTest<ChangeStrideCodeFixProvider>.RunAsync("""
        [Input(6, 6, 1)]
        [{|SG0002:Conv2D(1, 3, Stride = 2)|}]
        public partial class Net;
        """, """
        [Input(6, 6, 1)]
        [Conv2D(1, 3, Stride = 3)]
        public partial class Net;
        """, ChangeStrideCodeFixProvider.LargerKey);

    [Fact]
    public Task SG0002_pooling_default_stride_gets_an_explicit_one() => FixTest<ChangeStrideCodeFixProvider>.RunAsync("""
        [Input(11, 11, 8)]
        [{|SG0002:MaxPooling2D(2)|}]
        public partial class Net;
        """, """
        [Input(11, 11, 8)]
        [MaxPooling2D(2, Stride = 3)]
        public partial class Net;
        """, ChangeStrideCodeFixProvider.LargerKey);

    [Fact]
    public Task SG0002_equal_per_axis_strides_become_one() => FixTest<ChangeStrideCodeFixProvider>.RunAsync("""
        [Input(9, 9, 2)]
        [{|SG0002:Conv2D(4, 2, StrideHeight = 2, StrideWidth = 2, UseBias = false)|}]
        public partial class Net;
        """, """
        [Input(9, 9, 2)]
        [Conv2D(4, 2, Stride = 7, UseBias = false)]
        public partial class Net;
        """, ChangeStrideCodeFixProvider.LargerKey);
}
