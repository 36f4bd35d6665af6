using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ShapeGen.Generators.Generation;
using ShapeGen.Tests.Infrastructure;

namespace ShapeGen.Tests.Incrementality;

/// <summary>
/// The generator's pipeline must serve cached output when an edit does not touch a network, and must not hold
/// Roslyn objects (which would defeat caching and keep whole compilations alive). After the TestHelpers of
/// andrewlock/NetEscapades.EnumGenerators and riok/mapperly's IncrementalGeneratorTest.
/// </summary>
public sealed class IncrementalityTests
{
    private const string NetworkFile = """
        using ShapeGen;

        namespace App;

        [Input(28, 28, 1)]
        [Conv2D(8, 3, Activation = Activation.Relu)]
        [MaxPooling2D(2)]
        [Flatten]
        [Dense(10, Activation = Activation.Softmax)]
        public partial class Mnist
        {
            public static int Helper() => 1;
        }

        [Input(50, 4)]
        [Conv1D(8, 5, Padding.Causal)]
        [Marker]
        public partial class Sequence;

        public sealed class MarkerAttribute : System.Attribute { }
        """;

    private const string OtherFile = """
        namespace App;

        public static class Program
        {
            public static int Main() => 0;
        }
        """;

    /// <summary>Every tracking name the generator declares (new ones are picked up automatically).</summary>
    public static IReadOnlyList<string> TrackingStepNames { get; } = typeof(TrackingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToList();

    public static IEnumerable<object[]> UnrelatedEdits() => new[]
    {
        new object[] { "add an unrelated file" },
        new object[] { "change a method body in another file" },
        new object[] { "change a method body next to the network" },
        new object[] { "add a comment above the network" },
        new object[] { "add an unrelated class to the network's file" },
    };

    private static Compilation Edit(Compilation compilation, string edit)
    {
        SyntaxTree Tree(string path) => compilation.SyntaxTrees.Single(t => t.FilePath == path);
        Compilation Replace(string path, string from, string to)
        {
            var tree = Tree(path);
            string text = tree.ToString();
            Assert.Contains(from, text);
            return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(text.Replace(from, to))));
        }
        return edit switch
        {
            "add an unrelated file" => compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
                "namespace App; internal sealed class Unrelated { public int X; }", TestReferences.ParseOptions, "Unrelated.cs")),
            "change a method body in another file" => Replace("Other.cs", "Main() => 0;", "Main() { return 42; }"),
            "change a method body next to the network" => Replace("Network.cs", "Helper() => 1;", "Helper() => 2 + 3;"),
            "add a comment above the network" => Replace("Network.cs", "[Input(28, 28, 1)]", "// The MNIST net.\n[Input(28, 28, 1)]"),
            "add an unrelated class to the network's file" => Replace("Network.cs", "public partial class Sequence;", "public partial class Sequence;\npublic class Other { }"),
            _ => throw new ArgumentException(edit),
        };
    }

    private static (GeneratorDriver Driver, Compilation Compilation, GeneratorRunResult Result) FirstRun()
    {
        var compilation = GeneratorHarness.CreateCompilation(new[]
        {
            new SourceFile("Network.cs", NetworkFile),
            new SourceFile("Other.cs", OtherFile),
        });
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);
        var result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        return (driver, compilation, result);
    }

    [Fact]
    public void The_first_run_tracks_every_named_step_and_generates_the_network()
    {
        var (_, _, result) = FirstRun();
        Assert.NotEmpty(TrackingStepNames);
        foreach (var name in TrackingStepNames)
        {
            Assert.True(result.TrackedSteps.ContainsKey(name), $"step '{name}' was not tracked");
            Assert.All(result.TrackedSteps[name].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.New, o.Reason));
        }
        Assert.Contains(result.GeneratedSources, s => s.HintName == "App.Mnist.g.cs");
    }

    [Theory]
    [MemberData(nameof(UnrelatedEdits))]
    public void An_unrelated_edit_is_served_from_the_cache(string edit)
    {
        var (driver, compilation, first) = FirstRun();
        var edited = Edit(compilation, edit);
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();
        Assert.Null(second.Exception);

        foreach (var name in TrackingStepNames)
        {
            var outputs = second.TrackedSteps[name].SelectMany(s => s.Outputs).ToList();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                $"step '{name}' after '{edit}': {o.Reason} for {o.Value}"));
        }
        var outputSteps = second.TrackedOutputSteps.SelectMany(kv => kv.Value).SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(outputSteps);
        Assert.All(outputSteps, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
            $"output after '{edit}': {o.Reason}"));

        Assert.Equal(
            first.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())),
            second.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())));
    }

    [Fact]
    public void Editing_a_layer_argument_regenerates_the_network()
    {
        var (driver, compilation, first) = FirstRun();
        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == "Network.cs");
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(
            Microsoft.CodeAnalysis.Text.SourceText.From(tree.ToString().Replace("[Conv2D(8, 3,", "[Conv2D(16, 3,"))));
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var networks = second.TrackedSteps[TrackingNames.Networks].SelectMany(s => s.Outputs).ToList();
        Assert.Contains(networks, o => o.Reason == IncrementalStepRunReason.Modified);
        var sourceOutputs = second.TrackedOutputSteps.SelectMany(kv => kv.Value).SelectMany(s => s.Outputs).ToList();
        Assert.Contains(sourceOutputs, o => o.Reason == IncrementalStepRunReason.Modified);

        string Mnist(GeneratorRunResult r) => r.GeneratedSources.Single(s => s.HintName == "App.Mnist.g.cs").SourceText.ToString();
        Assert.NotEqual(Mnist(first), Mnist(second));
        // 3·3·1·16 + 16 = 160 parameters in the first layer now (it was 80).
        Assert.Contains("new global::ShapeGen.LayerInfo(\"conv2d\", \"Conv2D\", new int[] { 26, 26, 16 }, 160L", Mnist(second));
    }

    [Fact]
    public void Adding_a_network_leaves_the_other_cached()
    {
        var (driver, compilation, _) = FirstRun();
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            "using ShapeGen; namespace App; [Input(4)] [Dense(2)] public partial class Tiny;", TestReferences.ParseOptions, "Tiny.cs"));
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();
        var networks = second.TrackedSteps[TrackingNames.Networks].SelectMany(s => s.Outputs).ToList();
        Assert.Contains(networks, o => o.Reason == IncrementalStepRunReason.New);
        Assert.Contains(networks, o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
        Assert.Contains(second.GeneratedSources, s => s.HintName == "App.Tiny.g.cs");
    }

    [Fact]
    public void No_Roslyn_object_leaks_into_a_tracked_step()
    {
        var (driver, compilation, first) = FirstRun();
        var second = driver.RunGenerators(Edit(compilation, "change a method body next to the network")).GetRunResult().Results.Single();
        int walked = 0;
        foreach (var result in new[] { first, second })
        {
            foreach (var name in TrackingStepNames)
            {
                foreach (var output in result.TrackedSteps[name].SelectMany(s => s.Outputs))
                {
                    var leaks = new List<string>();
                    var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
                    FindRoslynObjects(output.Value, $"{name}", seen, leaks);
                    Assert.True(leaks.Count == 0, $"step '{name}' holds Roslyn objects:\n" + string.Join("\n", leaks));
                    if (name == TrackingNames.Networks) walked += seen.Count;
                }
            }
        }
        // The walker really descended into the models (records, equatable arrays, layer results).
        Assert.True(walked > 30, $"the walker saw only {walked} objects in the network models");
    }

    [Fact]
    public void The_leak_walker_finds_a_symbol_when_there_is_one()
    {
        // Positive control for the walker itself: a tuple holding a symbol deep inside an array.
        var compilation = GeneratorHarness.CreateCompilation("class C { }");
        var symbol = compilation.GetTypeByMetadataName("C")!;
        var leaks = new List<string>();
        FindRoslynObjects(new { Items = new object[] { 1, ("x", new List<object> { symbol }) } }, "root", new HashSet<object>(ReferenceEqualityComparer.Instance), leaks);
        Assert.NotEmpty(leaks);
    }

    private static readonly Type[] Forbidden =
    {
        typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Compilation), typeof(SemanticModel),
        typeof(Location), typeof(AttributeData), typeof(SyntaxReference),
    };

    private static void FindRoslynObjects(object? value, string path, HashSet<object> seen, List<string> leaks)
    {
        if (value == null) return;
        var type = value.GetType();
        if (type.IsPrimitive || type.IsEnum || value is string or decimal) return;
        if (Forbidden.FirstOrDefault(f => f.IsInstanceOfType(value)) is { } forbidden)
        {
            leaks.Add($"{path}: {type.FullName} (a {forbidden.Name})");
            return;
        }
        if (!type.IsValueType && !seen.Add(value)) return;
        if (path.Length > 2000) return; // a cycle through value types; deep enough

        if (value is IEnumerable sequence and not string)
        {
            int i = 0;
            foreach (var item in sequence) FindRoslynObjects(item, $"{path}[{i++}]", seen, leaks);
        }
        for (var t = type; t != null && t != typeof(object); t = t.BaseType)
        {
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (field.FieldType.IsPointer || field.FieldType.IsByRefLike) continue;
                FindRoslynObjects(field.GetValue(value), $"{path}.{field.Name}", seen, leaks);
            }
        }
    }
}
