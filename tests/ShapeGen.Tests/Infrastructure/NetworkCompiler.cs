using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using Microsoft.CodeAnalysis;

namespace ShapeGen.Tests.Infrastructure;

/// <summary>A network declaration to compile: the type's full metadata name and the file that declares it.</summary>
public sealed record NetworkSource(string TypeName, string Code)
{
    /// <summary>A <c>public partial class</c> in <paramref name="ns"/> carrying <paramref name="attributeLines"/>.</summary>
    public static NetworkSource Class(string ns, string name, IEnumerable<string> attributeLines)
    {
        var code = new StringBuilder();
        code.Append("using ShapeGen;\n\nnamespace ").Append(ns).Append(";\n\n");
        foreach (var line in attributeLines) code.Append(line).Append('\n');
        code.Append("public partial class ").Append(name).Append(";\n");
        return new NetworkSource(ns + "." + name, code.ToString());
    }
}

/// <summary>
/// Compiles many network declarations into one in-memory assembly through the real generator, checks that the
/// generator neither failed nor produced code with errors or warnings, loads the result into a collectible
/// <see cref="AssemblyLoadContext"/>, and reads each network's generated members by reflection.
/// Reusable for anything that needs the generated code to run (the forward pass).
/// </summary>
public sealed class NetworkCompiler : IDisposable
{
    private readonly Dictionary<string, CompiledNetwork> _networks = new(StringComparer.Ordinal);
    private AssemblyLoadContext? _context;

    private NetworkCompiler(GeneratorRun run, AssemblyLoadContext context, Assembly assembly)
    {
        Run = run;
        _context = context;
        Assembly = assembly;
    }

    public GeneratorRun Run { get; }

    public Assembly Assembly { get; }

    /// <summary>
    /// Compiles <paramref name="networks"/> (each in its own file). Throws <see cref="NetworkCompilationException"/>
    /// with every problem when the generator fails or reports anything, when the result has errors, or when
    /// generated code has warnings.
    /// </summary>
    public static NetworkCompiler Compile(IEnumerable<NetworkSource> networks, string assemblyName = "ShapeGen.TestNetworks")
    {
        var list = networks.ToList();
        var compilation = GeneratorHarness.CreateCompilation(
            list.Select(n => new SourceFile(n.TypeName + ".cs", n.Code)), assemblyName);
        var run = GeneratorHarness.Run(compilation);

        var problems = new List<string>();
        problems.AddRange(run.Failures());
        problems.AddRange(run.Result.Diagnostics.Select(d => "generator reported " + d));
        if (problems.Count > 0) throw new NetworkCompilationException(problems);

        // Emitting binds everything once and reports every diagnostic: no separate GetDiagnostics pass.
        using var pe = new MemoryStream();
        var emit = run.Output.Emit(pe);
        var generated = new HashSet<SyntaxTree>(run.GeneratedTrees);
        problems.AddRange(emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => "compile error " + d));
        problems.AddRange(emit.Diagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Warning && d.Location.SourceTree is { } tree && generated.Contains(tree))
            .Select(d => "warning in generated code " + d));
        if (problems.Count > 0 || !emit.Success) throw new NetworkCompilationException(problems);
        pe.Position = 0;
        var context = new AssemblyLoadContext(assemblyName, isCollectible: true);
        var assembly = context.LoadFromStream(pe);
        var compiler = new NetworkCompiler(run, context, assembly);
        foreach (var network in list)
        {
            var type = assembly.GetType(network.TypeName, throwOnError: false);
            if (type != null) compiler._networks[network.TypeName] = new CompiledNetwork(type);
        }
        return compiler;
    }

    /// <summary>The compiled network <paramref name="typeName"/> (full metadata name), or an exception saying it got no members.</summary>
    public CompiledNetwork this[string typeName] => _networks.TryGetValue(typeName, out var network)
        ? network
        : throw new KeyNotFoundException($"'{typeName}' was not compiled.");

    /// <summary>The generated source for <paramref name="typeName"/>, or null when the generator emitted none.</summary>
    public string? GeneratedSource(string typeName)
        => Run.GeneratedTrees.FirstOrDefault(t => Path.GetFileName(t.FilePath) == typeName + ".g.cs")?.ToString();

    public void Dispose()
    {
        _networks.Clear();
        _context?.Unload();
        _context = null;
    }
}

/// <summary>Why a set of networks did not compile cleanly.</summary>
public sealed class NetworkCompilationException : Exception
{
    public NetworkCompilationException(IEnumerable<string> problems)
        : this(problems.ToList())
    {
    }

    private NetworkCompilationException(List<string> problems)
        : base($"{problems.Count} problem(s) compiling the networks:\n" + string.Join("\n", problems.Take(50)))
        => Problems = problems;

    public IReadOnlyList<string> Problems { get; }
}

/// <summary>One generated network type, with its generated static members read by reflection.</summary>
public sealed class CompiledNetwork
{
    private delegate ReadOnlySpan<int> ShapeGetter();

    public CompiledNetwork(Type type)
    {
        Type = type;
        InputSize = Constant<int>("InputSize");
        OutputSize = Constant<int>("OutputSize");
        ParameterCount = Constant<long>("ParameterCount");
        TrainableParameterCount = Constant<long>("TrainableParameterCount");
        MultiplyAddCount = Constant<long>("MultiplyAddCount");
        InputShape = Shape("InputShape");
        OutputShape = Shape("OutputShape");
        Layers = (IReadOnlyList<LayerInfo>)StaticProperty("Layers");
        Summary = (string)StaticProperty("Summary");
    }

    public Type Type { get; }
    public int InputSize { get; }
    public int OutputSize { get; }
    public long ParameterCount { get; }
    public long TrainableParameterCount { get; }
    public long MultiplyAddCount { get; }
    public int[] InputShape { get; }
    public int[] OutputShape { get; }
    public IReadOnlyList<LayerInfo> Layers { get; }
    public string Summary { get; }

    private T Constant<T>(string name)
    {
        var field = Type.GetField(name, BindingFlags.Public | BindingFlags.Static)
            ?? throw new MissingMemberException(Type.FullName, name);
        Assert.True(field.IsLiteral, $"{Type.Name}.{name} should be a const");
        return (T)field.GetValue(null)!;
    }

    private object StaticProperty(string name)
    {
        var property = Type.GetProperty(name, BindingFlags.Public | BindingFlags.Static)
            ?? throw new MissingMemberException(Type.FullName, name);
        return property.GetValue(null) ?? throw new InvalidOperationException($"{Type.Name}.{name} is null");
    }

    /// <summary>A <c>static ReadOnlySpan&lt;int&gt;</c> property: reflection cannot box a span, a delegate can return it.</summary>
    private int[] Shape(string name)
    {
        var getter = Type.GetProperty(name, BindingFlags.Public | BindingFlags.Static)?.GetMethod
            ?? throw new MissingMemberException(Type.FullName, name);
        return getter.CreateDelegate<ShapeGetter>()().ToArray();
    }
}
