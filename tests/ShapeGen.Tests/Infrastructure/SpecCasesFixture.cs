using System.Text.Json;

namespace ShapeGen.Tests.Infrastructure;

/// <summary>
/// A test class's spec cases compiled once, into one assembly, as classes named after the cases: the class fixture of
/// the kernel test classes (Winograd, small convolutions, in-place padding, row pooling, paired depthwise, narrow kernels).
/// </summary>
public abstract class SpecCasesFixture : IDisposable
{
    private readonly string _namespace;

    protected SpecCasesFixture(string @namespace, string assemblyName, IEnumerable<string> caseNames, Func<string, JsonElement> spec)
    {
        _namespace = @namespace;
        Compiler = NetworkCompiler.Compile(
            caseNames.Select(name => SpecTranslator.Declaration(spec(name), @namespace, name)),
            assemblyName,
            withRunners: true);
    }

    public NetworkCompiler Compiler { get; }

    /// <summary>The compiled network of case <paramref name="name"/>.</summary>
    public CompiledNetwork this[string name] => Compiler[_namespace + "." + name];

    /// <summary>The generated source of case <paramref name="name"/>.</summary>
    public string GeneratedSource(string name) => Compiler.GeneratedSource(_namespace + "." + name)!;

    public void Dispose() => Compiler.Dispose();
}
