using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace ShapeGen.Tests.Robustness;

/// <summary>
/// Systematically damaged network declarations: what an IDE feeds the generator and analyzer while someone types.
/// Each mutant is a whole file with its own namespace (<c>__NS__</c> is replaced), so one compilation holds many.
/// </summary>
public static class Mutants
{
    /// <summary>A valid image network with the convolution family and most named properties.</summary>
    public const string ImageNetwork = """
        using ShapeGen;

        namespace __NS__;

        [Input(12, 12, 1)]
        [Conv2D(8, 3, Padding.Same, Stride = 2, Activation = Activation.Relu, Name = "stem")]
        [BatchNormalization(Epsilon = 0.001)]
        [ReLU]
        [DepthwiseConv2D(3, 3, Padding.Same, DepthMultiplier = 2, UseBias = false)]
        [SeparableConv2D(8, 3, Padding.Same, StrideHeight = 1, StrideWidth = 1)]
        [GlobalMaxPooling2D]
        [Dense(10, Activation = Activation.Softmax)]
        [Softmax]
        public partial class Net
        {
            public int Existing() => 1;
        }
        """;

    /// <summary>A valid image network with the resizing layers, pooling, ExpectShape and the head.</summary>
    public const string ResizingNetwork = """
        using ShapeGen;

        namespace __NS__;

        [Input(14, 14, 2)]
        [Conv2D(4, 3, 3, DilationRate = 2)]
        [MaxPooling2D(2, 2, Padding.Valid, Stride = 2)]
        [ZeroPadding2D(1, 0, 1, 0)]
        [Cropping2D(0, 1)]
        [Conv2DTranspose(4, 2, Stride = 2, Activation = Activation.Swish)]
        [UpSampling2D(2, 1)]
        [AveragePooling2D(padding: Padding.Same)]
        [ExpectShape(12, 4, 4)]
        [Flatten]
        [Dropout(0.25)]
        [Dense(3)]
        public partial class Net;
        """;

    /// <summary>A valid sequence network using the 1D attributes, Reshape with -1, and ExpectShape.</summary>
    public const string SequenceNetwork = """
        using ShapeGen;

        namespace __NS__;

        [Input(50, 4)]
        [Conv1D(8, 5, Padding.Causal, DilationRate = 2, UseBias = false)]
        [MaxPooling1D(2, Padding.Same, Stride = 1)]
        [AveragePooling1D(2)]
        [Activation(Activation.Elu)]
        [Reshape(-1, 2)]
        [Flatten]
        [Dense(4)]
        [ExpectShape(4)]
        public partial class Net;
        """;

    public static readonly string[] Bases = { ImageNetwork, ResizingNetwork, SequenceNetwork };

    /// <summary>What replaces an argument: wrong types, out-of-range values, unknown enum values, half-typed text.</summary>
    public static readonly string[] Replacements =
    {
        "\"x\"", "null", "1.5", "-1", "0", "int.MaxValue", "int.MinValue", "(Padding)7", "(Activation)99", "true",
        "new[] { 1, 2 }", "typeof(int)", "Undefined", "1 +", "", "'c'", "default", "(Padding)(-1)",
        "46341", // 46341² overflows an int
    };

    /// <summary>
    /// Every argument of every attribute dropped, and replaced by a third of <see cref="Replacements"/> (rotating, so
    /// every replacement meets every attribute kind): each mutant that stays valid gets a whole forward pass generated
    /// and compiled, which is what the time goes into.
    /// </summary>
    public static IEnumerable<(string Name, string Code)> ArgumentMutants()
    {
        for (int b = 0; b < Bases.Length; b++)
        {
            var root = Parse(Bases[b]);
            var arguments = root.DescendantNodes().OfType<AttributeArgumentSyntax>().ToList();
            for (int a = 0; a < arguments.Count; a++)
            {
                var argument = arguments[a];
                yield return ($"Drop{b}_{a}", RemoveArgument(Bases[b], argument));
                for (int r = a % 3; r < Replacements.Length; r += 3)
                {
                    yield return ($"Replace{b}_{a}_{r}", Splice(Bases[b], argument.Expression.Span, Replacements[r]));
                }
            }
        }
    }

    /// <summary>Every attribute removed, unclosed, unopened, duplicated, renamed to nothing ShapeGen knows, or moved first.</summary>
    public static IEnumerable<(string Name, string Code)> AttributeMutants()
    {
        for (int b = 0; b < Bases.Length; b++)
        {
            string text = Bases[b];
            var root = Parse(text);
            var lists = root.DescendantNodes().OfType<AttributeListSyntax>().ToList();
            for (int i = 0; i < lists.Count; i++)
            {
                var list = lists[i];
                var attribute = list.Attributes[0];
                string attributeText = attribute.ToString();
                yield return ($"Remove{b}_{i}", Splice(text, list.FullSpan, ""));
                yield return ($"NoCloseBracket{b}_{i}", Splice(text, list.CloseBracketToken.Span, ""));
                yield return ($"NoOpenBracket{b}_{i}", Splice(text, list.OpenBracketToken.Span, ""));
                yield return ($"Duplicate{b}_{i}", Splice(text, list.Span, list + list.ToString()));
                yield return ($"Combined{b}_{i}", Splice(text, list.Span, $"[{attributeText}, {attributeText}]"));
                yield return ($"Unknown{b}_{i}", Splice(text, attribute.Name.Span, "Conv3D"));
                yield return ($"Qualified{b}_{i}", Splice(text, attribute.Name.Span, "global::ShapeGen." + attribute.Name + "Attribute"));
                yield return ($"First{b}_{i}", MoveFirst(text, lists, i));
                if (attribute.ArgumentList is { } args)
                {
                    yield return ($"NoCloseParen{b}_{i}", Splice(text, args.CloseParenToken.Span, ""));
                    yield return ($"NoOpenParen{b}_{i}", Splice(text, args.OpenParenToken.Span, ""));
                    yield return ($"EmptyArgs{b}_{i}", Splice(text, args.Span, "()"));
                    yield return ($"ExtraArg{b}_{i}", Splice(text, args.CloseParenToken.Span, ", 3)"));
                    yield return ($"TrailingComma{b}_{i}", Splice(text, args.CloseParenToken.Span, ",)"));
                    yield return ($"UnknownNamed{b}_{i}", Splice(text, args.CloseParenToken.Span, ", Strides = 2)"));
                }
                else
                {
                    yield return ($"Args{b}_{i}", Splice(text, attribute.Span, attributeText + "(1, 2)"));
                }
            }
        }
    }

    /// <summary>The resizing network cut off every few characters: typing it from the top.</summary>
    public static IEnumerable<(string Name, string Code)> Truncations()
    {
        string text = ResizingNetwork;
        int start = text.IndexOf("[Input", StringComparison.Ordinal);
        for (int cut = start; cut < text.Length; cut += 5)
        {
            yield return ($"Cut{cut}", text.Substring(0, cut));
        }
        // And the sequence network with a character removed at each position inside the attributes.
        string sequence = SequenceNetwork;
        int from = sequence.IndexOf("[Input", StringComparison.Ordinal);
        int to = sequence.IndexOf("public partial", StringComparison.Ordinal);
        for (int i = from; i < to; i += 3)
        {
            yield return ($"Delete{i}", sequence.Remove(i, 1));
        }
    }

    /// <summary>The same stack on every kind of declaration and in every kind of container.</summary>
    public static IEnumerable<(string Name, string Code)> DeclarationMutants()
    {
        const string stack = "[Input(8, 8, 1)]\n[Conv2D(4, 3, Activation = Activation.Relu)]\n[Flatten]\n[Dense(2)]\n";
        const string head = "using ShapeGen;\n\nnamespace __NS__;\n\n";
        var cases = new (string Name, string Code)[]
        {
            ("Struct", head + stack + "public partial struct Net;"),
            ("ReadonlyStruct", head + stack + "public readonly partial struct Net;"),
            ("RefStruct", head + stack + "public ref partial struct Net;"),
            ("Record", head + stack + "public partial record Net;"),
            ("RecordStruct", head + stack + "public partial record struct Net;"),
            ("RecordWithParameters", head + stack + "public partial record Net(int Size);"),
            ("PrimaryConstructor", head + stack + "public partial class Net(int size) { public int Size => size; }"),
            ("StaticClass", head + stack + "public static partial class Net;"),
            ("AbstractClass", head + stack + "public abstract partial class Net;"),
            ("SealedInternal", head + stack + "internal sealed partial class Net;"),
            ("Unsafe", head + stack + "public unsafe partial class Net;"),
            ("NonPartial", head + stack + "public class Net;"),
            ("Generic", head + stack + "public partial class Net<T>;"),
            ("GenericConstrained", head + stack + "public partial class Net<TIn, TOut> where TIn : class, new() where TOut : struct;"),
            ("Derived", head + "public class Base { }\n" + stack + "public partial class Net : Base, System.IDisposable { public void Dispose() { } }"),
            ("NestedInPartial", head + "public partial class Outer\n{\n" + stack + "    public partial class Net;\n}"),
            ("NestedPrivate", head + "public partial class Outer\n{\n" + stack + "    private partial class Net;\n}"),
            ("NestedTwice", head + "public partial class A\n{\n    internal partial struct B\n    {\n" + stack + "        public partial class Net;\n    }\n}"),
            ("NestedInGeneric", head + "public partial class Outer<T>\n{\n" + stack + "    public partial class Net;\n}"),
            ("NestedInRecord", head + "public partial record Outer(int X)\n{\n" + stack + "    public partial class Net;\n}"),
            ("NestedInNonPartial", head + "public class Outer\n{\n" + stack + "    public partial class Net;\n}"),
            ("NestedInStaticPartial", head + "public static partial class Outer\n{\n" + stack + "    public partial class Net;\n}"),
            ("GlobalNamespace", "using ShapeGen;\n\n" + stack + "public partial class Net__NS__;"),
            ("BlockNamespace", "using ShapeGen;\n\nnamespace __NS__.Inner\n{\n" + stack + "public partial class Net;\n}"),
            ("TwoPartialsTwoInputs", head + stack + "public partial class Net;\n\n[Input(4)]\n[Dense(1)]\npublic partial class Net { }"),
            ("TwoPartialsSplitLayers", head + "[Input(8)]\n[Dense(4)]\npublic partial class Net;\n\n[Dense(2)]\npublic partial class Net { }"),
            ("EmptyInputOnly", head + "[Input(3, 3)]\npublic partial class Net;"),
            ("InputNoArguments", head + "[Input]\npublic partial class Net;"),
            ("InputEmptyArray", head + "[Input(new int[0])]\npublic partial class Net;"),
            ("InputNullArray", head + "[Input(null)]\npublic partial class Net;"),
            ("InputArrayArgument", head + "[Input(new[] { 4, 4, 1 })]\n[Conv2D(1, 2)]\npublic partial class Net;"),
            ("LayersWithoutInput", head + "[Conv2D(4, 3)]\n[Dense(2)]\npublic partial class Net;"),
            ("NoLayersAtAll", head + "public partial class Net;"),
            ("Interface", head + stack + "public partial interface Net;"),
            ("Enum", head + stack + "public enum Net { A }"),
            ("Delegate", head + stack + "public delegate void Net();"),
            ("OnMethod", head + "public partial class Net\n{\n" + stack + "    public void M() { }\n}"),
            ("OnAssembly", "using ShapeGen;\n[assembly: Input(4)]\nnamespace __NS__;\npublic partial class Net;"),
            ("FileLocal", head + stack + "file partial class Net;"),
            ("MemberNearClash", head + stack + "public partial class Net { public const int Other = 1; public static int Layers2 => 0; }"),
            ("MemberClashConst", head + stack + "public partial class Net { public const int InputSize = 3; }"),
            ("MemberClashMethod", head + stack + "public partial class Net { public string Summary() => \"\"; }"),
            ("MemberClashNested", head + stack + "public partial class Net { public class Layers { } }"),
            ("FileLocalContainer", head + "file partial class Outer\n{\n" + stack + "    public partial class Net;\n}"),
            ("NamedLikeSystem", head + stack + "public partial class String;"),
            ("NamedSystem", head + stack + "public partial class System;"),
            ("NamedShapeGen", head + stack + "public partial class ShapeGen;"),
            ("NamedLikeMembers", head + stack + "public partial class Layers;"),
            ("KeywordNamespace", "using ShapeGen;\n\nnamespace __NS__.@event;\n\n" + stack + "public partial class @class;"),
            ("KeywordTypeParameter", head + stack + "public partial class Net<@int>;"),
            ("TypeAndNamespaceClash", "using ShapeGen;\n\nnamespace __NS__\n{\npublic partial class A\n{\n" + stack + "    public partial class B;\n}\n}\n\nnamespace __NS__.A\n{\n" + stack + "    public partial class B;\n}"),
            ("ShortLowercaseNames", head + stack + "public partial class c;\n\n" + stack + "public partial struct s;\n\n" + stack + "public partial record r;"),
            ("Keyword", head + stack + "public partial class @class;"),
            ("Unicode", head + stack + "public partial class Réseau;"),
            ("LongName", head + stack + "public partial class " + new string('N', 300) + ";"),
            ("HugeNetwork", head + "[Input(46341, 46341, 2)]\n[Flatten]\n[Dense(100000)]\npublic partial class Net;"),
            ("HugeChannels", head + "[Input(1000, 1000, 3)]\n[Conv2D(100000, 3)]\n[UpSampling2D(100000)]\n[Flatten]\npublic partial class Net;"),
            ("Overflowing", head + "[Input(2147483647, 2)]\n[Flatten]\npublic partial class Net;"),
            ("AliasedAttribute", "using L = ShapeGen;\n\nnamespace __NS__;\n\n[L::Input(4)]\n[L.Dense(2, Activation = L.Activation.Relu)]\npublic partial class Net;"),
            ("OtherInputAttribute", head + "public sealed class InputAttribute : System.Attribute { public InputAttribute(int x) { } }\n[Input(4)]\n[Dense(2)]\npublic partial class Net;"),
            ("ConditionalAttributes", head + "#if NEVER\n[Input(4)]\n#endif\n[Dense(2)]\npublic partial class Net;"),
            ("PreprocessorInside", head + "[Input(8, 8, 1)]\n#if DEBUG\n[Conv2D(2, 3)]\n#else\n[Conv2D(3, 3)]\n#endif\n[Flatten]\npublic partial class Net;"),
            ("CommentsEverywhere", head + "[Input(/*h*/ 8, 8 /*w*/, 1)] // input\n[/*x*/Conv2D(4, /* k */ 3)]\npublic /* p */ partial class Net; // end"),
            ("DocumentedWithSummary", head + "/// <summary>Net &amp; more <c>x</c></summary>\n" + stack + "public partial class Net;"),
        };
        return cases;
    }

    private static SyntaxNode Parse(string text) => CSharpSyntaxTree.ParseText(text, Infrastructure.TestReferences.ParseOptions).GetRoot();

    private static string Splice(string text, TextSpan span, string replacement)
        => text.Substring(0, span.Start) + replacement + text.Substring(span.End);

    private static string RemoveArgument(string text, AttributeArgumentSyntax argument)
    {
        var list = (AttributeArgumentListSyntax)argument.Parent!;
        int index = list.Arguments.IndexOf(argument);
        TextSpan span;
        if (list.Arguments.Count == 1) span = argument.Span;
        else if (index < list.Arguments.Count - 1) span = TextSpan.FromBounds(argument.SpanStart, list.Arguments[index + 1].SpanStart);
        else span = TextSpan.FromBounds(list.Arguments.GetSeparator(index - 1).SpanStart, argument.Span.End);
        return Splice(text, span, "");
    }

    private static string MoveFirst(string text, IReadOnlyList<AttributeListSyntax> lists, int index)
    {
        var moved = lists[index];
        string without = Splice(text, moved.FullSpan, "");
        int first = lists[0].SpanStart;
        return without.Substring(0, first) + moved.ToString() + "\n" + without.Substring(first);
    }
}
