using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using ShapeGen.Generators.Analysis;

namespace ShapeGen.CodeFixes.Tests.Infrastructure;

/// <summary>
/// A code-fix test of the real ShapeAnalyzer and one ShapeGen fix. Microsoft.CodeAnalysis.Testing checks the source's
/// diagnostics (markup <c>{|SG0002:...|}</c>; any diagnostic not marked fails the test, so clean neighbours are checked
/// too), applies the fix one diagnostic at a time, then fix-all in document, project and solution scope, and compares
/// each result with the fixed source, text for text, and its remaining diagnostics with the fixed markup.
/// </summary>
internal sealed class FixTest<TFix> : CSharpCodeFixTest<ShapeAnalyzer, TFix, DefaultVerifier>
    where TFix : CodeFixProvider, new()
{
    public const string Header = "using ShapeGen;\n\nnamespace Tests;\n\n";

    public FixTest()
    {
        ReferenceAssemblies = TestReferences.ReferenceAssemblies;
        TestState.AdditionalReferences.Add(TestReferences.Runtime);
    }

    /// <summary>One document: <paramref name="before"/> fixed with the action <paramref name="equivalenceKey"/> gives <paramref name="after"/>.</summary>
    public static FixTest<TFix> Create(string before, string after, string equivalenceKey) => new()
    {
        TestCode = Header + before,
        FixedCode = Header + after,
        CodeActionEquivalenceKey = equivalenceKey,
    };

    public static Task RunAsync(string before, string after, string equivalenceKey) => Create(before, after, equivalenceKey).RunAsync();
}

/// <summary>Analyzer-only tests (diagnostics, severities from .editorconfig).</summary>
internal sealed class AnalyzerTest : CSharpAnalyzerTest<ShapeAnalyzer, DefaultVerifier>
{
    /// <param name="source">The test document (markup), after <see cref="FixTest{TFix}.Header"/> unless <paramref name="header"/> is false; null for none.</param>
    public AnalyzerTest(string? source, bool header = true)
    {
        ReferenceAssemblies = TestReferences.ReferenceAssemblies;
        TestState.AdditionalReferences.Add(TestReferences.Runtime);
        if (source != null) TestCode = (header ? FixTest<UsePaddingSameCodeFixProvider>.Header : "") + source;
    }

    public static Task RunAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest(source);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }
}
