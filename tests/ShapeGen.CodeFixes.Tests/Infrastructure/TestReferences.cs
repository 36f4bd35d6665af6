using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;

namespace ShapeGen.CodeFixes.Tests.Infrastructure;

/// <summary>What the in-memory test compilations reference.</summary>
internal static class TestReferences
{
    /// <summary>The ShapeGen runtime library (attributes, enums, LayerInfo).</summary>
    public static readonly MetadataReference Runtime = MetadataReference.CreateFromFile(typeof(ShapeGen.InputAttribute).Assembly.Location);

    /// <summary>
    /// Reference assemblies for Microsoft.CodeAnalysis.Testing. ReferenceAssemblies.Net.Net80 fails on this machine; the
    /// project restores Microsoft.NETCore.App.Ref 10.0.12 itself (PackageDownload), so nothing is fetched at run time.
    /// </summary>
    public static readonly ReferenceAssemblies ReferenceAssemblies =
        new("net10.0", new PackageIdentity("Microsoft.NETCore.App.Ref", "10.0.12"), Path.Combine("ref", "net10.0"));

    /// <summary>C# 12, the language of Roslyn 4.8 (class declarations may end in ';'); doc comments parsed for the hover tests.</summary>
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.CSharp12, DocumentationMode.Diagnose);

    /// <summary>The reference assemblies as metadata references, for compilations built by hand (generator and timing tests).</summary>
    public static async Task<ImmutableArray<MetadataReference>> PlatformAsync()
    {
        var references = await ReferenceAssemblies.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
        return references.Add(Runtime);
    }
}
