using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using ShapeGen.Generators.Generation;
using ShapeGen.Tests.Infrastructure;

namespace ShapeGen.Tests.Generation;

/// <summary>
/// The generated members have the contract's kinds and types, checked by the compiler: consumer code uses them
/// as constants, spans and lists (Microsoft.CodeAnalysis.SourceGenerators.Testing, against the .NET reference
/// assemblies rather than this process's runtime). The generated text itself is not compared with anything.
/// </summary>
public sealed class GeneratedContractTests
{
    private static async Task CompilesAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new CSharpSourceGeneratorTest<NetworkGenerator, DefaultVerifier>
        {
            ReferenceAssemblies = TestReferences.ReferenceAssemblies,
            TestBehaviors = TestBehaviors.SkipGeneratedSourcesCheck,
            CompilerDiagnostics = CompilerDiagnostics.Warnings,
        };
        // As the SDK does: a net8.0 library referenced from net10 reference assemblies unifies System.Runtime silently.
        test.SolutionTransforms.Add((solution, projectId) =>
        {
            var options = solution.GetProject(projectId)!.CompilationOptions!;
            return solution.WithProjectCompilationOptions(projectId, options.WithSpecificDiagnosticOptions(
                options.SpecificDiagnosticOptions.SetItem("CS1701", ReportDiagnostic.Suppress).SetItem("CS1702", ReportDiagnostic.Suppress)
                    .SetItem("CS1591", ReportDiagnostic.Suppress))); // the test's own undocumented types
        });
        test.TestState.Sources.Add(source);
        test.TestState.AdditionalReferences.Add(TestReferences.Runtime);
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync();
    }

    [Fact]
    public Task Members_have_the_contract_types() => CompilesAsync("""
        using System;
        using System.Collections.Generic;
        using ShapeGen;

        namespace App;

        [Input(28, 28, 1)]
        [Conv2D(32, 3, Activation = Activation.Relu)]
        [MaxPooling2D(2)]
        [Conv2D(64, 3, Padding.Same, Stride = 2, Activation = Activation.Relu)]
        [Flatten]
        [Dense(10, Activation = Activation.Softmax)]
        public partial class MnistNet;

        public static class Consumer
        {
            // Constants: usable where C# requires a constant, with the contract's types.
            public const int In = MnistNet.InputSize;
            public const int Out = MnistNet.OutputSize;
            public const long Parameters = MnistNet.ParameterCount;
            public const long Trainable = MnistNet.TrainableParameterCount;
            public const long MultiplyAdds = MnistNet.MultiplyAddCount;

            public static int Use()
            {
                ReadOnlySpan<int> input = MnistNet.InputShape;
                ReadOnlySpan<int> output = MnistNet.OutputShape;
                IReadOnlyList<LayerInfo> layers = MnistNet.Layers;
                string summary = MnistNet.Summary;
                LayerInfo first = layers[0];
                string name = first.Name, type = first.Type;
                IReadOnlyList<int> shape = first.OutputShape;
                long p = first.Parameters + first.TrainableParameters + first.MultiplyAdds;
                return input.Length + output.Length + summary.Length + name.Length + type.Length + shape.Count + (int)p;
            }

            // The degree of parallelism: a settable int on classes.
            public static int Parallel(MnistNet net)
            {
                net.MaxDegreeOfParallelism = Environment.ProcessorCount;
                return net.MaxDegreeOfParallelism;
            }

            // The contract's numbers for this network, checked by the compiler (Keras: 28×28×1 -> 10).
            public static readonly int[] Check = new int[In == 784 && Out == 10 ? 1 : -1];
        }
        """);

    [Fact]
    public Task Generic_nested_struct_and_record_networks_compile() => CompilesAsync("""
        using ShapeGen;

        namespace App;

        public partial class Outer<T> where T : class
        {
            [Input(8, 3)]
            [Conv1D(4, 3, Padding.Causal)]
            internal partial struct Sequence;

            public static int Size => Sequence.OutputSize;
        }

        [Input(16)]
        [Dense(4, UseBias = false)]
        public partial record Record
        {
            public int Id { get; init; }
            public long Count => ParameterCount;
        }

        [Input(4, 4, 2)]
        public readonly partial record struct Identity;

        public static class Use
        {
            // A readonly struct's MaxDegreeOfParallelism is init-only; other structs' is settable.
            public static int Degrees(float[] parameters)
            {
                var identity = new Identity(parameters) { MaxDegreeOfParallelism = 2 };
                var sequence = new Outer<string>.Sequence(parameters);
                sequence.MaxDegreeOfParallelism = 3;
                return identity.MaxDegreeOfParallelism + sequence.MaxDegreeOfParallelism;
            }
        }
        """);
}
