using static ShapeGen.Tests.Infrastructure.AnalyzerVerifier;

namespace ShapeGen.Tests.Diagnostics;

// Every test states the whole declaration: Microsoft.CodeAnalysis.Testing fails on any diagnostic not listed, so
// the attributes around the offending one are checked to stay quiet as well.

public sealed class SG0001_ShapeMismatch
{
    [Fact]
    public Task ExpectShape_that_does_not_hold() => VerifyAsync("""
        [Input(28, 28, 1)]
        [Conv2D(8, 3)]
        [{|#0:ExpectShape(28, 28, 8)|}]
        [MaxPooling2D(2)]
        [ExpectShape(13, 13, 8)]
        [Flatten]
        [Dense(10)]
        public partial class Net;
        """,
        Error("SG0001", 0, "(28, 28, 8)", "(26, 26, 8)", "ExpectShape(26, 26, 8)"));

    [Fact]
    public Task ExpectShape_of_the_wrong_rank() => VerifyAsync("""
        [Input(8, 8, 2)]
        [Flatten]
        [{|#0:ExpectShape(8, 8, 2)|}]
        [Dense(3)]
        [ExpectShape(3)]
        public partial class Net;
        """,
        Error("SG0001", 0, "(128)"));

    [Fact]
    public Task ExpectShape_that_holds_everywhere_is_silent() => VerifyCleanAsync("""
        [Input(32, 32, 3)]
        [ExpectShape(32, 32, 3)]
        [Conv2D(16, 3, Padding.Same, Stride = 2)]
        [ExpectShape(16, 16, 16)]
        [GlobalAveragePooling2D]
        [ExpectShape(16)]
        public partial class Net;
        """);
}

public sealed class SG0002_DroppedRowsOrColumns
{
    [Fact]
    public Task Conv2D_6x6_kernel_3_stride_2_valid() => VerifyAsync("""
        [Input(6, 6, 1)]
        [{|#0:Conv2D(1, 3, Stride = 2)|}]
        [Flatten]
        public partial class Net;
        """,
        Warning("SG0002", 0, "Conv2D 'conv2d'", "(6 - 3) / 2 + 1 = 2.5", "Padding.Same"));

    [Fact]
    public Task MaxPooling2D_on_11x11() => VerifyAsync("""
        [Input(13, 13, 3)]
        [Conv2D(4, 3, Activation = Activation.Relu)]
        [{|#0:MaxPooling2D(2)|}]
        [Conv2D(4, 3)]
        public partial class Net;
        """,
        Warning("SG0002", 0, "MaxPooling2D 'max_pooling2d'", "(11 - 2) / 2 + 1 = 5.5", "11×11×4"));

    [Fact]
    public Task Only_one_axis_drops() => VerifyAsync("""
        [Input(8, 9, 1)]
        [{|#0:AveragePooling2D(2)|}]
        public partial class Net;
        """,
        Warning("SG0002", 0, "(9 - 2) / 2 + 1 = 4.5", "column"));

    [Fact]
    public Task Conv1D_and_pooling1D() => VerifyAsync("""
        [Input(10, 2)]
        [{|#0:Conv1D(4, 3, Stride = 2)|}]
        [{|#1:MaxPooling1D(3)|}]
        public partial class Net;
        """,
        Warning("SG0002", 0, "(10 - 3) / 2 + 1 = 4.5"),
        Warning("SG0002", 1, "(4 - 3) / 3 + 1 = 1.333"));

    [Fact]
    public Task Dilated_kernel_uses_its_span() => VerifyAsync("""
        [Input(10, 10, 1)]
        [{|#0:Conv2D(2, 3, DilationRate = 2)|}]
        [{|#1:MaxPooling2D(4)|}]
        public partial class Net;
        """,
        // The dilated kernel spans 5: (10 - 5) / 1 + 1 = 6 divides; then 6 pooled by 4 leaves 2 rows.
        Warning("SG0002", 1, "(6 - 4) / 4 + 1 = 1.5"));

    [Fact]
    public Task Not_for_same_padding_nor_when_the_stride_divides() => VerifyCleanAsync("""
        [Input(6, 6, 1)]
        [Conv2D(1, 3, Padding.Same, Stride = 2)]
        [MaxPooling2D(2, Padding.Same)]
        [ZeroPadding2D(2, 3, 2, 3)]
        [Conv2D(1, 3, Stride = 2)]
        [MaxPooling2D(3, Stride = 1)]
        public partial class Net;
        """);
}

public sealed class SG0003_NonPositiveSize
{
    [Fact]
    public Task Kernel_larger_than_the_input() => VerifyAsync("""
        [Input(4, 4, 1)]
        [Conv2D(8, 3, Padding.Same)]
        [{|#0:Conv2D(8, 5)|}]
        [Flatten]
        [Dense(10)]
        public partial class Net;
        """,
        Error("SG0003", 0, "Conv2D 'conv2d_1'", "4×4×8", "Padding.Same"));

    [Fact]
    public Task Pool_larger_than_the_sequence() => VerifyAsync("""
        [Input(3, 2)]
        [{|#0:MaxPooling1D(4)|}]
        public partial class Net;
        """,
        Error("SG0003", 0, "MaxPooling1D"));

    [Fact]
    public Task Cropping_that_leaves_nothing() => VerifyAsync("""
        [Input(4, 6, 1)]
        [{|#0:Cropping2D(2)|}]
        [Conv2D(1, 1)]
        public partial class Net;
        """,
        Error("SG0003", 0, "Cropping2D 'cropping2d'", "4 - 2 - 2 = 0 rows"));

    [Fact]
    public Task Cropping_columns_to_a_negative_width() => VerifyAsync("""
        [Input(8, 3, 1)]
        [{|#0:Cropping2D(0, 0, 2, 2)|}]
        public partial class Net;
        """,
        Error("SG0003", 0, "3 - 2 - 2 = -1 columns"));

    [Fact]
    public Task Cropping_that_leaves_one_row_is_fine() => VerifyCleanAsync("""
        [Input(5, 5, 1)]
        [Cropping2D(2)]
        [Flatten]
        public partial class Net;
        """);
}

public sealed class SG0004_InvalidArgument
{
    [Fact]
    public Task Zero_filters() => VerifyAsync("""
        [Input(8, 8, 1)]
        [{|#0:Conv2D(0, 3)|}]
        [Dense(2)]
        public partial class Net;
        """,
        Error("SG0004", 0, "filters must be positive, got 0"));

    [Fact]
    public Task Zero_units() => VerifyAsync("""
        [Input(8)]
        [Dense(4)]
        [{|#0:Dense(0)|}]
        public partial class Net;
        """,
        Error("SG0004", 0, "Dense 'dense_1'", "units must be positive, got 0"));

    [Fact]
    public Task Negative_stride() => VerifyAsync("""
        [Input(8, 8, 1)]
        [{|#0:Conv2D(4, 3, Stride = -1)|}]
        public partial class Net;
        """,
        Error("SG0004", 0, "stride must be positive"));

    [Fact]
    public Task Zero_pool_size_is_one_problem_not_also_a_stride_problem() => VerifyAsync("""
        [Input(8, 8, 1)]
        [{|#0:MaxPooling2D(0)|}]
        public partial class Net;

        [Input(8, 2)]
        [{|#1:AveragePooling1D(-2)|}]
        public partial class Net2;
        """,
        Error("SG0004", 0, "pool size must be positive, got 0×0"),
        Error("SG0004", 1, "pool size must be positive, got -2"));

    [Fact]
    public Task Explicit_zero_pool_stride() => VerifyAsync("""
        [Input(8, 8, 1)]
        [{|#0:MaxPooling2D(2, StrideHeight = -1)|}]
        public partial class Net;
        """,
        Error("SG0004", 0, "stride must be positive, got -1×2"));

    [Fact]
    public Task Dropout_rate_of_one() => VerifyAsync("""
        [Input(16)]
        [Dropout(0.0)]
        [Dropout(0.5)]
        [{|#0:Dropout(1.0)|}]
        [{|#1:Dropout(-0.1)|}]
        public partial class Net;
        """,
        Error("SG0004", 0, "[0, 1)", "got 1"),
        Error("SG0004", 1, "[0, 1)", "got -0.1"));

    [Fact]
    public Task Dilation_together_with_stride() => VerifyAsync("""
        [Input(16, 16, 1)]
        [Conv2D(4, 3, DilationRate = 2)]
        [{|#0:Conv2D(4, 3, Stride = 2, DilationRate = 2)|}]
        [{|#1:Conv1D(4, 3, Stride = 2, DilationRate = 3)|}]
        public partial class Net;
        """,
        Error("SG0004", 0, "dilation rate above 1 together with a stride above 1"),
        Error("SG0004", 1, "dilation rate above 1 together with a stride above 1"));

    [Fact]
    public Task Causal_outside_Conv1D() => VerifyAsync("""
        [Input(16, 16, 1)]
        [{|#0:Conv2D(4, 3, Padding.Causal)|}]
        [{|#1:MaxPooling2D(2, Padding.Causal)|}]
        public partial class Net;
        """,
        Error("SG0004", 0, "Causal", "Conv1D"),
        Error("SG0004", 1, "Causal"));

    [Fact]
    public Task Causal_on_Conv1D_is_fine() => VerifyCleanAsync("""
        [Input(16, 3)]
        [Conv1D(4, 3, Padding.Causal, DilationRate = 2)]
        [Conv1D(4, 5, Padding.Causal, Stride = 2)]
        public partial class Net;
        """);

    [Fact]
    public Task Negative_padding_and_cropping() => VerifyAsync("""
        [Input(8, 8, 1)]
        [{|#0:ZeroPadding2D(-1)|}]
        [{|#1:Cropping2D(1, -2)|}]
        [ZeroPadding2D(0, 1, 0, 1)]
        public partial class Net;
        """,
        Error("SG0004", 0, "cannot be negative"),
        Error("SG0004", 1, "cannot be negative"));

    [Fact]
    public Task Reshape_to_a_different_element_count() => VerifyAsync("""
        [Input(4, 4, 2)]
        [Reshape(8, 4)]
        [Reshape(-1, 2)]
        [{|#0:Reshape(5, 5)|}]
        public partial class Net;
        """,
        Error("SG0004", 0, "Reshape 'reshape_2'", "25", "32"));

    [Fact]
    public Task Reshape_with_two_inferred_dimensions() => VerifyAsync("""
        [Input(4, 4, 2)]
        [{|#0:Reshape(-1, -1)|}]
        public partial class Net;
        """,
        Error("SG0004", 0, "-1"));

    [Fact]
    public Task Unknown_enum_values() => VerifyAsync("""
        [Input(8, 8, 1)]
        [{|#0:Conv2D(4, 3, (Padding)7)|}]
        [{|#1:Dense(4, Activation = (Activation)42)|}]
        [{|#2:Activation((Activation)(-1))|}]
        public partial class Net;
        """,
        Error("SG0004", 0, "7"),
        Error("SG0004", 1, "42"),
        Error("SG0004", 2, "-1"));

    [Fact]
    public Task Non_positive_kernel_upsampling_and_epsilon() => VerifyAsync("""
        [Input(8, 8, 1)]
        [{|#0:Conv2D(4, 0, 3)|}]
        [{|#1:UpSampling2D(0)|}]
        [{|#2:BatchNormalization(Epsilon = 0)|}]
        public partial class Net;
        """,
        Error("SG0004", 0, "kernel must be positive"),
        Error("SG0004", 1, "size must be positive"),
        Error("SG0004", 2, "epsilon"));

    [Fact]
    public Task Duplicate_layer_names() => VerifyAsync("""
        [Input(8)]
        [Dense(4, Name = "head")]
        [{|#0:Dense(2, Name = "head")|}]
        public partial class Net;
        """,
        Error("SG0004", 0, "'head'"));
}

public sealed class SG0005_InvalidInput
{
    [Fact]
    public Task No_input() => VerifyAsync("""
        [Conv2D(8, 3)]
        [Flatten]
        public partial class {|#0:Net|};
        """,
        Error("SG0005", 0, "no [Input]"));

    [Fact]
    public Task Input_not_first() => VerifyAsync("""
        [Conv2D(8, 3)]
        [{|#0:Input(28, 28, 1)|}]
        [Flatten]
        public partial class Net;
        """,
        Error("SG0005", 0, "first"));

    [Fact]
    public Task Two_inputs() => VerifyAsync("""
        [Input(28, 28, 1)]
        [Conv2D(8, 3)]
        [{|#0:Input(10, 10, 1)|}]
        [Flatten]
        public partial class Net;
        """,
        Error("SG0005", 0, "more than one [Input]"));

    [Fact]
    public Task Two_inputs_on_two_partial_declarations() => VerifyAsync("""
        [Input(28, 28, 1)]
        [Flatten]
        public partial class Net;

        [{|#0:Input(10)|}]
        public partial class Net { }
        """,
        Error("SG0005", 0, "more than one [Input]"));

    [Fact]
    public Task Non_positive_input_dimension() => VerifyAsync("""
        [{|#0:Input(28, 0, 1)|}]
        [Conv2D(8, 3)]
        public partial class Net;

        [{|#1:Input(-3)|}]
        [Dense(2)]
        public partial class Net2;

        [{|#2:Input()|}]
        public partial class Net3;
        """,
        Error("SG0005", 0, "(28, 0, 1)", "positive"),
        Error("SG0005", 1, "positive"),
        Error("SG0005", 2, "no dimensions"));

    [Fact]
    public Task Input_alone_is_a_valid_identity_network() => VerifyCleanAsync("""
        [Input(3, 4)]
        public partial class Net;
        """);
}

public sealed class SG0006_NotPartial
{
    [Fact]
    public Task Non_partial_class() => VerifyAsync("""
        [Input(4)]
        [Dense(2)]
        public class {|#0:Net|};
        """,
        Error("SG0006", 0, "'Net'", "partial"));

    [Fact]
    public Task Non_partial_containing_class() => VerifyAsync("""
        public class {|#0:Outer|}
        {
            [Input(4)]
            [Dense(2)]
            public partial class Inner;
        }
        """,
        Error("SG0006", 0, "'Inner'", "'Outer'", "partial"));

    [Fact]
    public Task Static_class() => VerifyAsync("""
        [Input(4)]
        [Dense(2)]
        public static partial class {|#0:Net|};
        """,
        Error("SG0006", 0, "static"));

    [Fact]
    public Task File_local_class() => VerifyAsync("""
        [Input(4)]
        [Dense(2)]
        file partial class {|#0:Net|};

        file partial class {|#1:Outer|}
        {
            [Input(4)]
            [Dense(2)]
            public partial class Inner;
        }
        """,
        Error("SG0006", 0, "file-local", "Remove 'file'"),
        Error("SG0006", 1, "'Inner'", "'Outer'"));

    [Fact]
    public Task Partial_structs_records_and_nested_partials_are_fine() => VerifyCleanAsync("""
        [Input(4)]
        [Dense(2)]
        public partial struct S;

        [Input(4)]
        [Dense(2)]
        public partial record R;

        public partial class Outer
        {
            public partial class Middle
            {
                [Input(4)]
                [Dense(2)]
                internal partial class Inner;
            }
        }
        """);

    [Fact]
    public Task Non_partial_class_with_a_shape_error_reports_both() => VerifyAsync("""
        [Input(4, 4, 1)]
        [{|#1:Conv2D(1, 5)|}]
        public class {|#0:Net|};
        """,
        Error("SG0006", 0, "partial"),
        Error("SG0003", 1));
}

public sealed class SG0007_WrongRank
{
    [Fact]
    public Task Conv2D_after_Flatten() => VerifyAsync("""
        [Input(8, 8, 1)]
        [Conv2D(4, 3)]
        [Flatten]
        [{|#0:Conv2D(4, 3)|}]
        [Dense(10)]
        public partial class Net;
        """,
        Error("SG0007", 0, "Conv2D 'conv2d_1'", "rank-3", "'flatten'", "Remove the Flatten"));

    [Fact]
    public Task Conv1D_on_an_image() => VerifyAsync("""
        [Input(8, 8, 3)]
        [{|#0:Conv1D(4, 3)|}]
        public partial class Net;
        """,
        Error("SG0007", 0, "Conv1D 'conv1d'", "rank-2", "8×8×3", "Reshape(64, 3)"));

    [Fact]
    public Task Two_dimensional_layers_on_a_sequence() => VerifyAsync("""
        [Input(20, 4)]
        [Conv1D(4, 3)]
        [{|#0:MaxPooling2D(2)|}]
        public partial class Net;
        """,
        Error("SG0007", 0, "MaxPooling2D", "rank-3", "18×4"));

    [Fact]
    public Task Global_pooling_and_padding_on_a_vector() => VerifyAsync("""
        [Input(10)]
        [{|#0:GlobalAveragePooling2D|}]
        public partial class Net;

        [Input(10)]
        [{|#1:ZeroPadding2D(1)|}]
        public partial class Net2;

        [Input(10)]
        [{|#2:UpSampling2D|}]
        public partial class Net3;
        """,
        Error("SG0007", 0, "GlobalAveragePooling2D"),
        Error("SG0007", 1, "ZeroPadding2D"),
        Error("SG0007", 2, "UpSampling2D"));

    [Fact]
    public Task Dense_flatten_and_reshape_accept_any_rank() => VerifyCleanAsync("""
        [Input(4, 4, 3)]
        [Dense(5)]
        [Reshape(16, 5)]
        [Conv1D(2, 3)]
        [Dense(3)]
        [Flatten]
        [Dense(2)]
        public partial class Net;
        """);
}

public sealed class SG0008_MemberClash
{
    [Fact]
    public Task A_type_named_like_a_generated_member() => VerifyAsync("""
        [Input(4)]
        [Dense(2)]
        public partial class {|#0:Layers|};

        [Input(4)]
        public partial struct {|#1:Summary|};
        """,
        Error("SG0008", 0, "'Layers'", "Rename the type"),
        Error("SG0008", 1, "'Summary'"));

    [Fact]
    public Task A_member_the_generator_would_add_twice() => VerifyAsync("""
        [Input(4)]
        [Dense(2)]
        public partial class Net
        {
            public const int {|#0:InputSize|} = 4;
        }

        [Input(4)]
        public partial class Net2
        {
            public static string {|#1:Summary|}() => "mine";
        }
        """,
        Error("SG0008", 0, "'Net' already declares 'InputSize'"),
        Error("SG0008", 1, "'Summary'"));

    [Fact]
    public Task The_weights_constructor_and_a_type_named_Forward() => VerifyAsync("""
        [Input(4)]
        [Dense(2)]
        public partial class Net
        {
            public {|#0:Net|}(System.ReadOnlySpan<float> mine) { }
        }

        [Input(4)]
        public partial class {|#1:Forward|};
        """,
        Error("SG0008", 0, "constructor", "ReadOnlySpan<float>"),
        Error("SG0008", 1, "'Forward'"));

    [Fact]
    public Task A_primary_constructor_the_generated_constructor_cannot_call() => VerifyAsync("""
        [Input(4)]
        [Dense(2)]
        public partial record Net{|#0:(int Id)|};

        [Input(4)]
        public partial class Net2{|#1:(string label)|}
        {
            public string Label => label;
        }
        """,
        Error("SG0008", 0, "primary constructor", "(int Id)"),
        Error("SG0008", 1, "primary constructor"));

    [Fact]
    public Task Similar_names_are_fine() => VerifyCleanAsync("""
        [Input(4)]
        [Dense(2)]
        public partial class Net
        {
            public const int InputSizeInBytes = 16;
            public static string Describe() => "x";
            public class LayerTable { }
            public Net() { }
            public Net(float[] weights) { }
            public void Forward(string text) { }
        }
        """);
}
