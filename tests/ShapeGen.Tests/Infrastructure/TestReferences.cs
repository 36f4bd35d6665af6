using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;

namespace ShapeGen.Tests.Infrastructure;

/// <summary>What in-memory compilations of networks reference, built once per test run.</summary>
internal static class TestReferences
{
    /// <summary>The ShapeGen runtime library (attributes, enums, LayerInfo) as the tests themselves load it.</summary>
    public static readonly string RuntimeAssemblyPath = typeof(ShapeGen.InputAttribute).Assembly.Location;

    public static readonly MetadataReference Runtime = MetadataReference.CreateFromFile(RuntimeAssemblyPath);

    /// <summary>
    /// The test process's trusted platform assemblies (the .NET runtime it runs on, plus its dependencies), except
    /// ShapeGen's own assemblies and the test assembly, then the runtime library. Compiling against implementation
    /// assemblies is what lets the result load straight into this process.
    /// </summary>
    public static readonly ImmutableArray<MetadataReference> Platform = BuildPlatform();

    /// <summary>C# 12: the language of the Roslyn the generator targets (4.8), so class declarations may end in ';'.</summary>
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.CSharp12, DocumentationMode.Parse);

    /// <summary>
    /// Reference assemblies for Microsoft.CodeAnalysis.Testing. ReferenceAssemblies.Net.Net80 fails on this machine;
    /// the project restores Microsoft.NETCore.App.Ref 10.0.12 itself (PackageDownload), so nothing is fetched here.
    /// </summary>
    public static readonly ReferenceAssemblies ReferenceAssemblies =
        new("net10.0", new PackageIdentity("Microsoft.NETCore.App.Ref", "10.0.12"), Path.Combine("ref", "net10.0"));

    private static ImmutableArray<MetadataReference> BuildPlatform()
    {
        var list = (string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")
            ?? throw new InvalidOperationException("TRUSTED_PLATFORM_ASSEMBLIES is not set.");
        var references = ImmutableArray.CreateBuilder<MetadataReference>();
        foreach (var path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).OrderBy(p => p, StringComparer.Ordinal))
        {
            string file = Path.GetFileName(path);
            if (file.StartsWith("ShapeGen", StringComparison.OrdinalIgnoreCase)) continue;
            if (!file.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)) continue;
            references.Add(MetadataReference.CreateFromFile(path));
        }
        references.Add(Runtime);
        return references.ToImmutable();
    }
}
