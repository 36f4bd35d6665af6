using Microsoft.CodeAnalysis.Testing;
using ShapeGen.CodeFixes.Tests.Infrastructure;

namespace ShapeGen.CodeFixes.Tests.CodeFixes;

// Fix-all: the batch fixer computes each diagnostic's fix on the original text and merges them, so one invocation
// fixes every occurrence in the chosen scope. The single-diagnostic tests run fix-all too, on one diagnostic; these
// have several, in one document and across documents and projects.

public sealed class FixAll
{
    private const string Header = FixTest<UsePaddingSameCodeFixProvider>.Header;

    [Fact]
    public Task Use_padding_same_in_a_document_fixes_both_networks_and_both_layers() => new FixTest<UsePaddingSameCodeFixProvider>
    {
        TestCode = Header + """
            [Input(10, 10, 1)]
            [{|SG0002:Conv2D(4, 3, Stride = 3)|}]
            [Flatten]
            public partial class First;

            [Input(19, 19, 3)]
            [{|SG0002:Conv2D(8, 3, Stride = 3)|}]
            [{|SG0002:AveragePooling2D(4)|}]
            public partial class Second;
            """,
        FixedCode = Header + """
            [Input(10, 10, 1)]
            [Conv2D(4, 3, Padding.Same, Stride = 3)]
            [Flatten]
            public partial class First;

            [Input(19, 19, 3)]
            [Conv2D(8, 3, Padding.Same, Stride = 3)]
            [{|SG0011:AveragePooling2D(4, Padding.Same)|}]
            public partial class Second;
            """,
        CodeActionEquivalenceKey = UsePaddingSameCodeFixProvider.EquivalenceKey,
        // Fixed one at a time, the pooling layer's SG0002 stays once the convolution above it is fixed (it then sees 7x7
        // instead of 6x6, and (7 - 4) mod 4 = 3 cells are still dropped): three fixes. Fix-all does it in one.
        NumberOfIncrementalIterations = 3,
    }.RunAsync();

    [Fact]
    public Task Insert_zero_padding_in_a_document() => new FixTest<InsertZeroPaddingCodeFixProvider>
    {
        TestCode = Header + """
            [Input(6, 6, 1)]
            [{|SG0002:Conv2D(1, 3, Stride = 2)|}]
            public partial class First;

            [Input(11, 11, 4), {|SG0002:MaxPooling2D(2)|}]
            public partial class Second;
            """,
        FixedCode = Header + """
            [Input(6, 6, 1)]
            [ZeroPadding2D(0, 1, 0, 1)]
            [Conv2D(1, 3, Stride = 2)]
            public partial class First;

            [Input(11, 11, 4), ZeroPadding2D(0, 1, 0, 1), MaxPooling2D(2)]
            public partial class Second;
            """,
        CodeActionEquivalenceKey = InsertZeroPaddingCodeFixProvider.EquivalenceKey,
    }.RunAsync();

    [Fact]
    public Task Change_stride_picks_each_layer_s_own_stride() => new FixTest<ChangeStrideCodeFixProvider>
    {
        TestCode = Header + """
            [Input(6, 6, 1)]
            [{|SG0002:Conv2D(1, 3, Stride = 2)|}]
            public partial class First;

            [Input(11, 11, 8)]
            [{|SG0002:MaxPooling2D(2)|}]
            public partial class Second;
            """,
        FixedCode = Header + """
            [Input(6, 6, 1)]
            [Conv2D(1, 3, Stride = 3)]
            public partial class First;

            [Input(11, 11, 8)]
            [MaxPooling2D(2, Stride = 3)]
            public partial class Second;
            """,
        CodeActionEquivalenceKey = ChangeStrideCodeFixProvider.LargerKey,
    }.RunAsync();

    [Fact]
    public Task Add_partial_across_documents_and_projects_of_the_solution()
    {
        var test = new FixTest<PartialCodeFixProvider>
        {
            CodeActionEquivalenceKey = PartialCodeFixProvider.AddPartialKey,
            // Fix-all in document scope fixes one document per invocation: three documents.
            NumberOfFixAllInDocumentIterations = 3,
            // Project scope: the first project, then (the framework moves on to the diagnostics left) the second.
            NumberOfFixAllInProjectIterations = 2,
            // Solution scope: everything at once.
            NumberOfFixAllIterations = 1,
        };
        test.TestState.Sources.Add(("/0/Mnist.cs", Header + """
            [Input(28, 28, 1)]
            [Conv2D(8, 3)]
            [Flatten]
            [Dense(10)]
            public class {|SG0006:Mnist|};

            [Input(4)]
            [Dense(2)]
            internal sealed class {|SG0006:Tiny|};
            """));
        test.TestState.Sources.Add(("/0/Sequence.cs", Header + """
            [Input(50, 4)]
            [Conv1D(8, 3)]
            public class {|SG0006:Sequence|};
            """));
        var other = test.TestState.AdditionalProjects["Other"];
        other.AdditionalReferences.Add(TestReferences.Runtime);
        other.Sources.Add(("/Other/Net.cs", Header + """
            [Input(8)]
            [Dense(1)]
            public class {|SG0006:Net|};
            """));

        test.FixedState.Sources.Add(("/0/Mnist.cs", Header + """
            [Input(28, 28, 1)]
            [Conv2D(8, 3)]
            [Flatten]
            [Dense(10)]
            public partial class Mnist;

            [Input(4)]
            [Dense(2)]
            internal sealed partial class Tiny;
            """));
        test.FixedState.Sources.Add(("/0/Sequence.cs", Header + """
            [Input(50, 4)]
            [Conv1D(8, 3)]
            public partial class Sequence;
            """));
        var otherFixed = test.FixedState.AdditionalProjects["Other"];
        otherFixed.AdditionalReferences.Add(TestReferences.Runtime);
        otherFixed.Sources.Add(("/Other/Net.cs", Header + """
            [Input(8)]
            [Dense(1)]
            public partial class Net;
            """));
        return test.RunAsync();
    }

    [Fact]
    public Task Insert_flatten_across_documents()
    {
        var test = new FixTest<InsertFlattenCodeFixProvider>
        {
            CodeActionEquivalenceKey = InsertFlattenCodeFixProvider.FlattenKey,
            NumberOfFixAllInDocumentIterations = 2,
        };
        test.TestState.Sources.Add(("/0/A.cs", Header + """
            [Input(5, 5, 8)]
            [{|SG0009:Dense(10)|}]
            public partial class A;
            """));
        test.TestState.Sources.Add(("/0/B.cs", Header + """
            [Input(8, 8, 1)]
            [Conv2D(4, 3)]
            [{|SG0009:Dense(3)|}]
            public partial class B;
            """));
        test.FixedState.Sources.Add(("/0/A.cs", Header + """
            [Input(5, 5, 8)]
            [Flatten]
            [Dense(10)]
            public partial class A;
            """));
        test.FixedState.Sources.Add(("/0/B.cs", Header + """
            [Input(8, 8, 1)]
            [Conv2D(4, 3)]
            [Flatten]
            [Dense(3)]
            public partial class B;
            """));
        return test.RunAsync();
    }
}
