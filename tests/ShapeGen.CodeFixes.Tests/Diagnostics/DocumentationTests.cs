using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using ShapeGen.Generators.Analysis;
using ShapeGen.Generators.Diagnostics;

namespace ShapeGen.CodeFixes.Tests.Diagnostics;

/// <summary>Every diagnostic ID has a docs page its descriptor links to, a release-tracking row and a README row.</summary>
public sealed class Documentation
{
    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (var descriptor in AllDescriptors()) data.Add(descriptor.Id);
        return data;
    }

    private static IEnumerable<DiagnosticDescriptor> AllDescriptors()
        => new ShapeAnalyzer().SupportedDiagnostics.Append(DiagnosticDescriptors.GeneratorFailure);

    private static DiagnosticDescriptor Descriptor(string id) => AllDescriptors().Single(d => d.Id == id);

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory != null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ShapeGen.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException("ShapeGen.sln not found above " + AppContext.BaseDirectory);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void The_help_link_points_to_an_existing_page_about_that_id(string id)
    {
        var descriptor = Descriptor(id);
        Assert.EndsWith("/docs/diagnostics/" + id + ".md", descriptor.HelpLinkUri);
        string page = Path.Combine(RepositoryRoot(), "docs", "diagnostics", id + ".md");
        Assert.True(File.Exists(page), page + " is missing");
        string text = File.ReadAllText(page);
        Assert.StartsWith("# " + id + ":", text);
        foreach (var section in new[] { "## What it means", "## How to fix", "## How to silence" })
            Assert.Contains(section, text);
        Assert.Contains("**Severity:** " + Severity(descriptor.DefaultSeverity), text);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Release_tracking_has_the_id_with_its_severity(string id)
    {
        var descriptor = Descriptor(id);
        string file = Path.Combine(RepositoryRoot(), "analyzers", "ShapeGen.Generators", "AnalyzerReleases.Unshipped.md");
        Assert.Matches(new Regex($@"^{id} \| ShapeGen \| {descriptor.DefaultSeverity} \|", RegexOptions.Multiline), File.ReadAllText(file));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void The_README_table_lists_the_id(string id)
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        Assert.Contains($"| [{id}](docs/diagnostics/{id}.md) | {Severity(Descriptor(id).DefaultSeverity)} |", readme);
    }

    private static string Severity(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        DiagnosticSeverity.Info => "info",
        _ => "hidden",
    };
}
