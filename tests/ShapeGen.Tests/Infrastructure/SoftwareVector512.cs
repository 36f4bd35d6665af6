using System.Runtime.Intrinsics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ShapeGen.Tests.Infrastructure;

/// <summary>
/// Runs the generated 512-bit kernels on machines without AVX-512, so that their numerics are tested wherever the
/// suite runs (on such machines test.sh sets <see cref="Variable"/> for one pass of the forward-pass tests).
/// </summary>
/// <remarks>
/// A generated network picks its kernels and its weight layout with <c>Vector512.IsHardwareAccelerated</c>, a constant
/// to the JIT: on an AVX2 machine the 512-bit kernels are compiled into every network but never run. In this mode the
/// trees compiled for the tests read true there instead, and .NET runs <see cref="Vector512{T}"/> operations in
/// software where the CPU lacks them: lane by lane, with the same IEEE operations (a fused multiply-add stays fused),
/// only slower. The generated source the tests read (<see cref="GeneratorRun.GeneratedTrees"/>) is left as generated.
/// </remarks>
internal static class SoftwareVector512
{
    /// <summary>The environment variable that turns this mode on ("1").</summary>
    public const string Variable = "SHAPEGEN_TEST_SOFTWARE_VECTOR512";

    /// <summary>The condition as the generator writes it.</summary>
    private const string Condition = "global::System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated";

    /// <summary>
    /// What it becomes: true, but not a C# constant, so that the branches it skips are not "unreachable code" (CS0162,
    /// a warning, and generated code must compile without any); the JIT folds it like the original.
    /// </summary>
    private const string Forced = "(" + Condition + " || true)";

    /// <summary>
    /// True when <see cref="Variable"/> is "1" and the CPU has no 512-bit vectors (with them, the 512-bit kernels are
    /// what runs anyway).
    /// </summary>
    public static bool IsOn { get; } =
        Environment.GetEnvironmentVariable(Variable) == "1" && !Vector512.IsHardwareAccelerated;

    /// <summary>
    /// <paramref name="compilation"/> with every <see cref="Condition"/> in <paramref name="generatedTrees"/> replaced
    /// by an always-true condition. Throws when there is none to replace: the mode would then test nothing it claims to.
    /// </summary>
    public static Compilation Force(Compilation compilation, IEnumerable<SyntaxTree> generatedTrees)
    {
        bool forcedAny = false;
        foreach (var tree in generatedTrees)
        {
            string text = tree.ToString();
            if (!text.Contains(Condition, StringComparison.Ordinal)) continue;
            forcedAny = true;
            // Same length is not needed: the tests read positions from the untouched trees, never from these.
            var forced = CSharpSyntaxTree.ParseText(text.Replace(Condition, Forced, StringComparison.Ordinal), (CSharpParseOptions)tree.Options, tree.FilePath);
            compilation = compilation.ReplaceSyntaxTree(tree, forced);
        }
        if (!forcedAny)
        {
            throw new InvalidOperationException(
                $"{Variable}=1, but no generated tree contains '{Condition}': the generated code no longer chooses its kernels that way, so this mode would not run the 512-bit kernels.");
        }
        return compilation;
    }
}
