using Microsoft.CodeAnalysis.Testing;
using ShapeGen.CodeFixes.Tests.Infrastructure;

namespace ShapeGen.CodeFixes.Tests.CodeFixes;

// SG0001 on Add and Concatenate: the engine proposes the layer that adapts one input (a 1×1 projection, a strided one, or
// the U-Net crop), with its From and an unused Name; the fix inserts it before the merge and merges it instead. The fixed
// code is checked for diagnostics too: no SG0001 is left.

public sealed class MergeFixes
{
    private const string Header = FixTest<MergeAdapterCodeFixProvider>.Header;

    private static FixTest<MergeAdapterCodeFixProvider> Test(string before, string after, string key, string title) => new()
    {
        TestCode = Header + before,
        FixedCode = Header + after,
        CodeActionEquivalenceKey = key,
        CodeActionVerifier = (action, verifier) => verifier.Equal(title, action.Title),
    };

    [Fact]
    public Task Add_projects_the_shortcut_with_a_1x1_convolution() => Test("""
        [Input(16, 16, 3)]
        [Conv2D(64, 3, Padding.Same, Name = "a")]
        [Conv2D(32, 3, Padding.Same, Name = "b", From = "input")]
        [{|SG0001:Add("a", "b")|}]
        [Dense(10)]
        public partial class Net;
        """, """
        [Input(16, 16, 3)]
        [Conv2D(64, 3, Padding.Same, Name = "a")]
        [Conv2D(32, 3, Padding.Same, Name = "b", From = "input")]
        [Conv2D(64, 1, From = "b", Name = "b_projected")]
        [Add("a", "b_projected")]
        [{|SG0009:Dense(10)|}]
        public partial class Net;
        """, MergeAdapterCodeFixProvider.ProjectKey, "Project 'b' with Conv2D(64, 1)").RunAsync();

    [Fact]
    public Task Add_downsamples_a_larger_shortcut_with_a_strided_projection() => Test("""
        [Input(16, 16, 8)]
        [{|SG0011:Conv2D(16, 3, Padding.Same, Stride = 2, Name = "c1")|}]
        [{|SG0001:Add("c1", "input")|}]
        public partial class Net;
        """, """
        [Input(16, 16, 8)]
        [{|SG0011:Conv2D(16, 3, Padding.Same, Stride = 2, Name = "c1")|}]
        [Conv2D(16, 1, Padding.Same, Stride = 2, From = "input", Name = "input_projected")]
        [Add("c1", "input_projected")]
        public partial class Net;
        """, MergeAdapterCodeFixProvider.ProjectKey, "Project 'input' with Conv2D(16, 1, Padding.Same, Stride = 2)").RunAsync();

    [Fact]
    public Task Add_picks_a_name_no_layer_has() => Test("""
        [Input(16, 16, 3)]
        [Conv2D(32, 3, Padding.Same, Name = "b_projected")]
        [Conv2D(64, 3, Padding.Same, Name = "a", From = "b_projected")]
        [Conv2D(32, 3, Padding.Same, Name = "b", From = "input")]
        [{|SG0001:Add("b", "a")|}]
        public partial class Net;
        """, """
        [Input(16, 16, 3)]
        [Conv2D(32, 3, Padding.Same, Name = "b_projected")]
        [Conv2D(64, 3, Padding.Same, Name = "a", From = "b_projected")]
        [Conv2D(32, 3, Padding.Same, Name = "b", From = "input")]
        [Conv2D(64, 1, From = "b", Name = "b_projected_2")]
        [Add("b_projected_2", "a")]
        public partial class Net;
        """, MergeAdapterCodeFixProvider.ProjectKey, "Project 'b' with Conv2D(64, 1)").RunAsync();

    [Fact]
    public Task Add_in_a_shared_list_written_with_the_namespace() => Test("""
        [ShapeGen.Input(16, 16, 8), ShapeGen.Conv2D(16, 2, Padding.Same, Stride = 2, Name = "c1"), {|SG0001:ShapeGen.Add("c1", "input")|}]
        public partial class Net;
        """, """
        [ShapeGen.Input(16, 16, 8), ShapeGen.Conv2D(16, 2, Padding.Same, Stride = 2, Name = "c1"), ShapeGen.Conv2D(16, 1, ShapeGen.Padding.Same, Stride = 2, From = "input", Name = "input_projected"), ShapeGen.Add("c1", "input_projected")]
        public partial class Net;
        """, MergeAdapterCodeFixProvider.ProjectKey, "Project 'input' with Conv2D(16, 1, Padding.Same, Stride = 2)").RunAsync();

    [Fact]
    public Task Concatenate_crops_the_larger_input_as_U_Net_does() => Test("""
        [Input(64, 64, 3)]
        [Conv2D(8, 3, Padding.Same, Name = "skip")]
        [Conv2D(8, 9, Name = "deep")]
        [{|SG0001:Concatenate("skip", "deep")|}]
        public partial class Net;
        """, """
        [Input(64, 64, 3)]
        [Conv2D(8, 3, Padding.Same, Name = "skip")]
        [Conv2D(8, 9, Name = "deep")]
        [Cropping2D(4, From = "skip", Name = "skip_cropped")]
        [Concatenate("skip_cropped", "deep")]
        public partial class Net;
        """, MergeAdapterCodeFixProvider.CropKey, "Crop 'skip' with Cropping2D(4)").RunAsync();

    [Fact]
    public Task Concatenate_crops_an_odd_difference_on_four_sides() => Test("""
        [Input(32, 32, 3)]
        [Conv2D(4, 4, Name = "deep")]
        [{|SG0001:Concatenate("deep", "input")|}]
        public partial class Net;
        """, """
        [Input(32, 32, 3)]
        [Conv2D(4, 4, Name = "deep")]
        [Cropping2D(1, 2, 1, 2, From = "input", Name = "input_cropped")]
        [Concatenate("deep", "input_cropped")]
        public partial class Net;
        """, MergeAdapterCodeFixProvider.CropKey, "Crop 'input' with Cropping2D(1, 2, 1, 2)").RunAsync();

    [Fact]
    public Task Fix_all_projects_every_shortcut_in_the_document() => new FixTest<MergeAdapterCodeFixProvider>
    {
        TestCode = Header + """
            [Input(16, 16, 3)]
            [Conv2D(64, 3, Padding.Same, Name = "a")]
            [Conv2D(32, 3, Padding.Same, Name = "b", From = "input")]
            [{|SG0001:Add("a", "b")|}]
            public partial class First;

            [Input(16, 16, 8)]
            [Conv2D(16, 2, Padding.Same, Stride = 2, Name = "c1")]
            [{|SG0001:Add("c1", "input")|}]
            public partial class Second;
            """,
        FixedCode = Header + """
            [Input(16, 16, 3)]
            [Conv2D(64, 3, Padding.Same, Name = "a")]
            [Conv2D(32, 3, Padding.Same, Name = "b", From = "input")]
            [Conv2D(64, 1, From = "b", Name = "b_projected")]
            [Add("a", "b_projected")]
            public partial class First;

            [Input(16, 16, 8)]
            [Conv2D(16, 2, Padding.Same, Stride = 2, Name = "c1")]
            [Conv2D(16, 1, Padding.Same, Stride = 2, From = "input", Name = "input_projected")]
            [Add("c1", "input_projected")]
            public partial class Second;
            """,
        CodeActionEquivalenceKey = MergeAdapterCodeFixProvider.ProjectKey,
    }.RunAsync();

    [Fact]
    public Task Fix_all_crops_every_skip_connection_in_the_document() => new FixTest<MergeAdapterCodeFixProvider>
    {
        TestCode = Header + """
            [Input(64, 64, 3)]
            [Conv2D(8, 3, Padding.Same, Name = "skip")]
            [Conv2D(8, 9, Name = "deep")]
            [{|SG0001:Concatenate("skip", "deep")|}]
            public partial class First;

            [Input(32, 32, 3)]
            [Conv2D(4, 4, Name = "deep")]
            [{|SG0001:Concatenate("deep", "input")|}]
            public partial class Second;
            """,
        FixedCode = Header + """
            [Input(64, 64, 3)]
            [Conv2D(8, 3, Padding.Same, Name = "skip")]
            [Conv2D(8, 9, Name = "deep")]
            [Cropping2D(4, From = "skip", Name = "skip_cropped")]
            [Concatenate("skip_cropped", "deep")]
            public partial class First;

            [Input(32, 32, 3)]
            [Conv2D(4, 4, Name = "deep")]
            [Cropping2D(1, 2, 1, 2, From = "input", Name = "input_cropped")]
            [Concatenate("deep", "input_cropped")]
            public partial class Second;
            """,
        CodeActionEquivalenceKey = MergeAdapterCodeFixProvider.CropKey,
    }.RunAsync();
}
