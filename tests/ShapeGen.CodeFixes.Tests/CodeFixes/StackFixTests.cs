using ShapeGen.CodeFixes.Tests.Infrastructure;

namespace ShapeGen.CodeFixes.Tests.CodeFixes;

// SG0001 (ExpectShape), SG0007 (rank), SG0009 (Dense on a feature map), SG0005 ([Input]), SG0006 (partial).

public sealed class UpdateExpectShape
{
    [Fact]
    public Task SG0001_takes_the_shape_the_engine_computed() => FixTest<UpdateExpectShapeCodeFixProvider>.RunAsync("""
        [Input(28, 28, 1)]
        [Conv2D(8, 3)]
        [{|SG0001:ExpectShape(28, 28, 8)|}]
        [MaxPooling2D(2)]
        [ExpectShape(13, 13, 8)]
        public partial class Net;
        """, """
        [Input(28, 28, 1)]
        [Conv2D(8, 3)]
        [ExpectShape(26, 26, 8)]
        [MaxPooling2D(2)]
        [ExpectShape(13, 13, 8)]
        public partial class Net;
        """, UpdateExpectShapeCodeFixProvider.EquivalenceKey);

    [Fact]
    public Task SG0001_of_another_rank() => FixTest<UpdateExpectShapeCodeFixProvider>.RunAsync("""
        [Input(8, 8, 2)]
        [Flatten]
        [{|SG0001:ExpectShape(8, 8, 2)|}]
        public partial class Net;
        """, """
        [Input(8, 8, 2)]
        [Flatten]
        [ExpectShape(128)]
        public partial class Net;
        """, UpdateExpectShapeCodeFixProvider.EquivalenceKey);
}

public sealed class RankFixes
{
    [Fact]
    public Task SG0007_remove_the_Flatten_before_a_Conv2D() => FixTest<RemoveFlattenCodeFixProvider>.RunAsync("""
        [Input(8, 8, 3)]
        [Flatten]
        [{|SG0007:Conv2D(4, 3)|}]
        [GlobalAveragePooling2D]
        public partial class Net;
        """, """
        [Input(8, 8, 3)]
        [Conv2D(4, 3)]
        [GlobalAveragePooling2D]
        public partial class Net;
        """, RemoveFlattenCodeFixProvider.EquivalenceKey);

    [Fact]
    public Task SG0007_remove_a_Flatten_that_shares_a_list() => FixTest<RemoveFlattenCodeFixProvider>.RunAsync("""
        [Input(8, 8, 3), Flatten, {|SG0007:MaxPooling2D(2)|}]
        public partial class Net;
        """, """
        [Input(8, 8, 3), MaxPooling2D(2)]
        public partial class Net;
        """, RemoveFlattenCodeFixProvider.EquivalenceKey);

    [Fact]
    public Task SG0007_Conv1D_on_an_image_gets_a_Reshape_to_a_sequence() => FixTest<InsertReshapeCodeFixProvider>.RunAsync("""
        [Input(10, 10, 3)]
        [{|SG0007:Conv1D(4, 3)|}]
        public partial class Net;
        """, """
        [Input(10, 10, 3)]
        [Reshape(100, 3)]
        [Conv1D(4, 3)]
        public partial class Net;
        """, InsertReshapeCodeFixProvider.EquivalenceKey);

    [Fact]
    public Task SG0007_Conv2D_on_a_sequence_gets_a_Reshape_to_an_image() => FixTest<InsertReshapeCodeFixProvider>.RunAsync("""
        [Input(50, 4)]
        [{|SG0007:Conv2D(8, 3, 1)|}]
        public partial class Net;
        """, """
        [Input(50, 4)]
        [Reshape(50, 1, 4)]
        [Conv2D(8, 3, 1)]
        public partial class Net;
        """, InsertReshapeCodeFixProvider.EquivalenceKey);

    [Fact]
    public Task SG0009_insert_Flatten_before_a_Dense_on_a_feature_map() => FixTest<InsertFlattenCodeFixProvider>.RunAsync("""
        [Input(28, 28, 1)]
        [Conv2D(8, 3, Activation = Activation.Relu)]
        [MaxPooling2D(2)]
        [{|SG0009:Dense(10, Activation = Activation.Softmax)|}]
        public partial class Net;
        """, """
        [Input(28, 28, 1)]
        [Conv2D(8, 3, Activation = Activation.Relu)]
        [MaxPooling2D(2)]
        [Flatten]
        [Dense(10, Activation = Activation.Softmax)]
        public partial class Net;
        """, InsertFlattenCodeFixProvider.FlattenKey);

    [Fact]
    public Task SG0009_or_GlobalAveragePooling2D() => FixTest<InsertFlattenCodeFixProvider>.RunAsync("""
        [Input(7, 7, 64)]
        [{|SG0009:Dense(10)|}]
        public partial class Net;
        """, """
        [Input(7, 7, 64)]
        [GlobalAveragePooling2D]
        [Dense(10)]
        public partial class Net;
        """, InsertFlattenCodeFixProvider.GlobalPoolingKey);
}

public sealed class InputFixes
{
    [Fact]
    public Task SG0005_add_an_image_Input_before_a_Conv2D() => FixTest<InputCodeFixProvider>.RunAsync("""
        /// <summary>A network without an input.</summary>
        [Conv2D(8, 3)]
        [Flatten]
        public partial class {|SG0005:Net|};
        """, """
        /// <summary>A network without an input.</summary>
        [Input(28, 28, 1)]
        [Conv2D(8, 3)]
        [Flatten]
        public partial class Net;
        """, InputCodeFixProvider.AddKey);

    [Fact]
    public Task SG0005_add_a_sequence_Input_before_a_Conv1D() => FixTest<InputCodeFixProvider>.RunAsync("""
        [Conv1D(8, 3)]
        public partial class {|SG0005:Net|};
        """, """
        [Input(100, 1)]
        [Conv1D(8, 3)]
        public partial class Net;
        """, InputCodeFixProvider.AddKey);

    [Fact]
    public Task SG0005_move_the_Input_to_the_top() => FixTest<InputCodeFixProvider>.RunAsync("""
        [Conv2D(8, 3)]
        [{|SG0005:Input(10, 10, 1)|}]
        [Flatten]
        public partial class Net;
        """, """
        [Input(10, 10, 1)]
        [Conv2D(8, 3)]
        [Flatten]
        public partial class Net;
        """, InputCodeFixProvider.MoveKey);

    [Fact]
    public Task SG0005_remove_a_second_Input() => FixTest<InputCodeFixProvider>.RunAsync("""
        [Input(10, 10, 1)]
        [Conv2D(8, 3)]
        [{|SG0005:Input(8, 8, 8)|}]
        [Flatten]
        public partial class Net;
        """, """
        [Input(10, 10, 1)]
        [Conv2D(8, 3)]
        [Flatten]
        public partial class Net;
        """, InputCodeFixProvider.RemoveKey);
}

public sealed class PartialFixes
{
    [Fact]
    public Task SG0006_add_partial() => FixTest<PartialCodeFixProvider>.RunAsync("""
        [Input(4)]
        [Dense(2)]
        public sealed class {|SG0006:Net|};
        """, """
        [Input(4)]
        [Dense(2)]
        public sealed partial class Net;
        """, PartialCodeFixProvider.AddPartialKey);

    [Fact]
    public Task SG0006_add_partial_without_other_modifiers() => FixTest<PartialCodeFixProvider>.RunAsync("""
        [Input(4)]
        [Dense(2)]
        struct {|SG0006:Net|};
        """, """
        [Input(4)]
        [Dense(2)]
        partial struct Net;
        """, PartialCodeFixProvider.AddPartialKey);

    [Fact]
    public Task SG0006_add_partial_to_the_containing_type() => FixTest<PartialCodeFixProvider>.RunAsync("""
        public static class {|SG0006:Models|}
        {
            [Input(4)]
            [Dense(2)]
            public partial class Net;
        }
        """, """
        public static partial class Models
        {
            [Input(4)]
            [Dense(2)]
            public partial class Net;
        }
        """, PartialCodeFixProvider.AddPartialKey);

    [Fact]
    public Task SG0006_remove_static() => FixTest<PartialCodeFixProvider>.RunAsync("""
        [Input(4)]
        [Dense(2)]
        public static partial class {|SG0006:Net|};
        """, """
        [Input(4)]
        [Dense(2)]
        public partial class Net;
        """, PartialCodeFixProvider.RemoveStaticKey);
}

/// <summary>
/// In a graph (From, Add, Concatenate) an inserted or removed layer would shift the default names other layers take and
/// would not sit on the named path: those fixes are not offered there; fixes that edit the layer itself still are.
/// </summary>
public sealed class GraphNetworks
{
    private const string Residual = """
        [Input(8, 8, 4)]
        [Conv2D(4, 3, Padding.Same, Name = "a")]
        [Conv2D(4, 3, Padding.Same)]
        [Add("a", "conv2d")]
        [{|SG0009:Dense(10)|}]
        public partial class Net;
        """;

    [Fact]
    public async Task No_insert_Flatten_in_a_graph()
    {
        var test = FixTest<InsertFlattenCodeFixProvider>.Create(Residual, Residual, InsertFlattenCodeFixProvider.FlattenKey);
        test.CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipFixAllCheck;
        test.NumberOfIncrementalIterations = 0;
        await test.RunAsync();
    }

    [Fact]
    public Task Use_padding_same_still_works_in_a_graph() => FixTest<UsePaddingSameCodeFixProvider>.RunAsync("""
        [Input(9, 9, 4)]
        [Conv2D(4, 3, Padding.Same, Name = "a")]
        [{|SG0002:MaxPooling2D(2)|}]
        [Conv2D(4, 1, Padding.Same, From = "a")]
        [{|SG0002:MaxPooling2D(2, Name = "b")|}]
        [Concatenate("max_pooling2d", "b")]
        public partial class Net;
        """, """
        [Input(9, 9, 4)]
        [Conv2D(4, 3, Padding.Same, Name = "a")]
        [{|SG0011:MaxPooling2D(2, Padding.Same)|}]
        [Conv2D(4, 1, Padding.Same, From = "a")]
        [{|SG0011:MaxPooling2D(2, Padding.Same, Name = "b")|}]
        [Concatenate("max_pooling2d", "b")]
        public partial class Net;
        """, UsePaddingSameCodeFixProvider.EquivalenceKey);
}
