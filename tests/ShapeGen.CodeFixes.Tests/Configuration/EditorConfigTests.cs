using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using ShapeGen.CodeFixes.Tests.Infrastructure;

namespace ShapeGen.CodeFixes.Tests.Configuration;

// Severities and SG0010's limits from .editorconfig / .globalconfig, through the compiler's own analyzer-config
// handling (Microsoft.CodeAnalysis.Testing passes the files to the compilation as a build would).

public sealed class EditorConfig
{
    private const string Dropping = """
        [Input(6, 6, 1)]
        [{|#0:Conv2D(1, 3, Stride = 2)|}]
        [Flatten]
        [{|#1:Dense(4)|}]
        public partial class Net;
        """;

    private static AnalyzerTest With(string source, string editorconfig)
    {
        var test = new AnalyzerTest(source);
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n\n[*.cs]\n" + editorconfig));
        return test;
    }

    [Fact]
    public Task Default_SG0002_is_a_warning() => AnalyzerTest.RunAsync(Dropping,
        new DiagnosticResult("SG0002", DiagnosticSeverity.Warning).WithLocation(0));

    // Raised to an error, a warning keeps Severity = Warning and gets IsWarningAsError (the build prints "error SG0002" and
    // fails); Microsoft.CodeAnalysis.Testing compares Severity only, so these cases read the diagnostics directly.
    [Fact]
    public async Task SG0002_raised_to_error()
    {
        var diagnostic = Assert.Single(await Analysis.AnalyzeWithConfigAsync(Plain(Dropping),
            ("/.editorconfig", "root = true\n\n[*.cs]\ndotnet_diagnostic.SG0002.severity = error\n")));
        Assert.Equal("SG0002", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, Analysis.Effective(diagnostic));
    }

    [Fact]
    public async Task Without_configuration_SG0002_stays_a_warning_in_the_same_harness()
    {
        var diagnostic = Assert.Single(await Analysis.AnalyzeWithConfigAsync(Plain(Dropping)));
        Assert.Equal(DiagnosticSeverity.Warning, Analysis.Effective(diagnostic));
        Assert.False(diagnostic.IsWarningAsError);
    }

    private static string Plain(string markup) => System.Text.RegularExpressions.Regex.Replace(markup, @"\{\|#\d+:|\|\}", "");

    [Fact]
    public Task SG0002_set_to_none_is_gone() => With(Dropping, "dotnet_diagnostic.SG0002.severity = none\n").RunAsync();

    [Fact]
    public Task SG0002_as_a_suggestion()
    {
        var test = With(Dropping, "dotnet_diagnostic.SG0002.severity = suggestion\n");
        test.ExpectedDiagnostics.Add(new DiagnosticResult("SG0002", DiagnosticSeverity.Info).WithLocation(0));
        return test.RunAsync();
    }

    [Fact]
    public Task Info_notes_can_be_raised_or_silenced()
    {
        var test = With("""
            [Input(32, 32, 3)]
            [Conv2D(8, 3, Padding.Same, Stride = 2)]
            [{|#0:Dense(10)|}]
            public partial class Net;
            """, "dotnet_diagnostic.SG0011.severity = none\ndotnet_diagnostic.SG0009.severity = warning\n");
        test.ExpectedDiagnostics.Add(new DiagnosticResult("SG0009", DiagnosticSeverity.Warning).WithLocation(0));
        return test.RunAsync();
    }

    [Fact]
    public async Task The_whole_ShapeGen_category_at_once()
    {
        var diagnostics = await Analysis.AnalyzeWithConfigAsync(Plain(Dropping),
            ("/.editorconfig", "root = true\n\n[*.cs]\ndotnet_analyzer_diagnostic.category-ShapeGen.severity = error\n"));
        Assert.Equal(new[] { ("SG0002", DiagnosticSeverity.Error) }, diagnostics.Select(d => (d.Id, Analysis.Effective(d))));
    }

    [Fact]
    public Task Only_for_the_files_the_section_matches()
    {
        var test = new AnalyzerTest(Dropping);
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n\n[*Other.cs]\ndotnet_diagnostic.SG0002.severity = none\n"));
        test.ExpectedDiagnostics.Add(new DiagnosticResult("SG0002", DiagnosticSeverity.Warning).WithLocation(0));
        return test.RunAsync();
    }

    [Fact]
    public Task Size_limits_from_editorconfig()
    {
        var test = With(Dropping.Replace("[{|#0:Conv2D(1, 3, Stride = 2)|}]", "[Conv2D(1, 3, Stride = 3)]"),
            "shapegen.max_parameters = 10\n");
        test.ExpectedDiagnostics.Add(new DiagnosticResult("SG0010", DiagnosticSeverity.Warning).WithLocation(1));
        return test.RunAsync();
    }

    [Fact]
    public async Task Size_limits_and_severities_from_a_globalconfig()
    {
        var diagnostics = await Analysis.AnalyzeWithConfigAsync(Plain(Dropping).Replace("Stride = 2", "Stride = 3"),
            ("/.globalconfig", "is_global = true\nshapegen.max_activation_bytes = 100\ndotnet_diagnostic.SG0010.severity = error\n"));
        // The largest tensor is the 6×6×1 input (144 bytes): reported on [Input], as an error.
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("SG0010", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, Analysis.Effective(diagnostic));
        Assert.Equal("Input(6, 6, 1)", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
    }
}

public sealed class GeneratedCode
{
    private const string Network = """
        using ShapeGen;

        [Input(6, 6, 1)]
        [Conv2D(1, 3, Stride = 2)]
        [Dense(4)]
        public partial class Net;
        """;

    [Fact]
    public Task A_file_marked_auto_generated_is_not_analyzed() => new AnalyzerTest("// <auto-generated/>\n" + Network, header: false).RunAsync();

    [Fact]
    public Task A_g_cs_file_is_not_analyzed()
    {
        var test = new AnalyzerTest(null);
        test.TestState.Sources.Add(("/0/Net.g.cs", Network));
        return test.RunAsync();
    }

    [Fact]
    public Task The_same_file_hand_written_is() => new AnalyzerTest(
        Network.Replace("[Conv2D(1, 3, Stride = 2)]", "[{|SG0002:Conv2D(1, 3, Stride = 2)|}]").Replace("[Dense(4)]", "[{|SG0009:Dense(4)|}]"),
        header: false).RunAsync();
}
