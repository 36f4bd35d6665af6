using static ShapeGen.Tests.Infrastructure.AnalyzerVerifier;

namespace ShapeGen.Tests.Diagnostics;

/// <summary>Graph networks: merges that cannot work (SG0001 with the fix), and references that cannot resolve (SG0014-SG0016).</summary>
public sealed class GraphMergeMismatch
{
    [Fact]
    public Task Add_of_different_channel_counts_suggests_projecting_the_shortcut() => VerifyAsync("""
        [Input(16, 16, 3)]
        [Conv2D(64, 3, Padding.Same, Name = "a")]
        [Conv2D(32, 3, Padding.Same, Name = "b", From = "input")]
        [{|#0:Add("a", "b")|}]
        public partial class Net;
        """,
        Error("SG0001", 0, "Add 'add'", "'a' (16×16×64)", "'b' (16×16×32)", "identical shapes", "[Conv2D(64, 1, From = \"b\")]"));

    [Fact]
    public Task Add_of_different_resolutions_suggests_a_strided_projection() => VerifyAsync("""
        [Input(16, 16, 8)]
        [Conv2D(16, 3, Padding.Same, Stride = 2, Name = "c1")]
        [{|#0:Add("c1", "input")|}]
        public partial class Net;
        """,
        Error("SG0001", 0, "'c1' (8×8×16)", "'input' (16×16×8)", "Stride = 2", "From = \"input\""));

    [Fact]
    public Task Concatenate_of_64_and_56_suggests_cropping_by_4() => VerifyAsync("""
        [Input(64, 64, 3)]
        [Conv2D(8, 3, Padding.Same, Name = "skip")]
        [Conv2D(8, 9, Name = "deep")]
        [{|#0:Concatenate("skip", "deep")|}]
        public partial class Net;
        """,
        Error("SG0001", 0, "'skip' (64×64×8)", "'deep' (56×56×8)", "[Cropping2D(4, From = \"skip\")]"));

    [Fact]
    public Task Matching_merges_and_their_neighbours_are_clean() => VerifyCleanAsync("""
        [Input(16, 16, 3)]
        [Conv2D(16, 3, Padding.Same, Name = "stem")]
        [Conv2D(16, 3, Padding.Same, Name = "body")]
        [Add("body", "stem", Name = "sum")]
        [Cropping2D(2, Name = "crop", From = "stem")]
        [Conv2D(16, 5, Name = "valid", From = "sum")]
        [Concatenate("crop", "valid")]
        public partial class Net;
        """);
}

public sealed class SG0014_UnknownLayerName
{
    [Fact]
    public Task A_typo_gets_a_suggestion() => VerifyAsync("""
        [Input(8, 8, 3)]
        [Conv2D(8, 3, Name = "c1")]
        [{|#0:Conv2D(8, 3, From = "C1")|}]
        public partial class Net;
        """,
        Error("SG0014", 0, "takes 'C1'", "Did you mean 'c1'?", "'input', 'c1'"));

    [Fact]
    public Task An_unknown_merge_input() => VerifyAsync("""
        [Input(8, 8, 3)]
        [Conv2D(3, 3, Padding.Same, Name = "c1")]
        [{|#0:Add("c1", "shortcut")|}]
        public partial class Net;
        """,
        Error("SG0014", 0, "takes 'shortcut'"));
}

public sealed class SG0015_ForwardReference
{
    [Fact]
    public Task Taking_a_later_layer() => VerifyAsync("""
        [Input(8, 8, 3)]
        [{|#0:Conv2D(8, 3, Name = "c1", From = "c2")|}]
        [Conv2D(8, 3, Name = "c2")]
        public partial class Net;
        """,
        Error("SG0015", 0, "'c2', which is declared below it", "free of cycles"));

    [Fact]
    public Task Taking_itself() => VerifyAsync("""
        [Input(8, 8, 3)]
        [{|#0:Conv2D(8, 3, Name = "c1", From = "c1")|}]
        public partial class Net;
        """,
        Error("SG0015", 0, "takes itself"));
}

public sealed class SG0016_UnusedLayer
{
    [Fact]
    public Task A_branch_nothing_takes() => VerifyAsync("""
        [Input(8, 8, 3)]
        [{|#0:Conv2D(8, 3, Name = "c1")|}]
        [Conv2D(8, 3, Name = "c2", From = "input")]
        public partial class Net;
        """,
        Warning("SG0016", 0, "'c1' is computed but no layer takes its output", "'c2'"));
}
