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
    public static NetworkCompiler Compile(IEnumerable<NetworkSource> networks, string assemblyName = "ShapeGen.TestNetworks", bool withRunners = false)
    {
        var list = networks.ToList();
        var files = list.Select(n => new SourceFile(n.TypeName + ".cs", n.Code)).ToList();
        if (withRunners) files.Add(new SourceFile(RunnerClass + ".cs", Runners(list)));
        var compilation = GeneratorHarness.CreateCompilation(files, assemblyName);
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
        var runners = withRunners ? assembly.GetType(RunnerClass, throwOnError: true) : null;
        for (int i = 0; i < list.Count; i++)
        {
            var type = assembly.GetType(list[i].TypeName, throwOnError: false);
            if (type != null) compiler._networks[list[i].TypeName] = new CompiledNetwork(type, runners, i);
        }
        return compiler;
    }

    private const string RunnerClass = "ShapeGenTestRunners";

    /// <summary>
    /// The generated constructor and Forward take spans, which reflection cannot pass: a plain C# shim per network,
    /// compiled with them, exposes both as <c>float[]</c> methods that become delegates.
    /// </summary>
    private static string Runners(IReadOnlyList<NetworkSource> networks)
    {
        var code = new StringBuilder("public static class " + RunnerClass + "\n{\n");
        for (int i = 0; i < networks.Count; i++)
        {
            string type = "global::" + networks[i].TypeName;
            code.Append($"    public static object Create{i}(float[] parameters) => new {type}(parameters);\n");
            code.Append($"    public static void Forward{i}(object network, float[] input, float[] output) => (({type})network).Forward(input, output);\n");
            code.Append($"    public static void ForwardBatch{i}(object network, float[] input, float[] output, int batch) => (({type})network).Forward(input, output, batch);\n");
            code.Append($"    public static int GetDegree{i}(object network) => (({type})network).MaxDegreeOfParallelism;\n");
            code.Append($"    public static void SetDegree{i}(object network, int degree) => (({type})network).MaxDegreeOfParallelism = degree;\n");
        }
        return code.Append("}\n").ToString();
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

    public CompiledNetwork(Type type, Type? runners = null, int index = 0)
    {
        Type = type;
        if (runners != null)
        {
            _create = runners.GetMethod("Create" + index)!.CreateDelegate<Func<float[], object>>();
            _forward = runners.GetMethod("Forward" + index)!.CreateDelegate<Action<object, float[], float[]>>();
            _forwardBatch = runners.GetMethod("ForwardBatch" + index)!.CreateDelegate<Action<object, float[], float[], int>>();
            _getDegree = runners.GetMethod("GetDegree" + index)!.CreateDelegate<Func<object, int>>();
            _setDegree = runners.GetMethod("SetDegree" + index)!.CreateDelegate<Action<object, int>>();
        }
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

    private readonly Func<float[], object>? _create;
    private readonly Action<object, float[], float[]>? _forward;
    private readonly Action<object, float[], float[], int>? _forwardBatch;
    private readonly Func<object, int>? _getDegree;
    private readonly Action<object, int>? _setDegree;

    public Type Type { get; }

    /// <summary>An instance from <paramref name="parameters"/> in Keras get_weights() order (needs <c>withRunners</c>).</summary>
    public object Create(float[] parameters) => (_create ?? throw new InvalidOperationException("compiled without runners"))(parameters);

    /// <summary>Runs one sample through <paramref name="network"/> (an instance from <see cref="Create"/>).</summary>
    public float[] Forward(object network, float[] input)
    {
        var output = new float[OutputSize];
        (_forward ?? throw new InvalidOperationException("compiled without runners"))(network, input, output);
        return output;
    }

    /// <summary>Runs one sample into a caller-owned output (no allocation of its own, for the allocation test).</summary>
    public void ForwardInto(object network, float[] input, float[] output)
        => (_forward ?? throw new InvalidOperationException("compiled without runners"))(network, input, output);

    /// <summary>Runs <paramref name="batch"/> samples stored back to back.</summary>
    public float[] Forward(object network, float[] inputs, int batch)
    {
        var outputs = new float[(long)OutputSize * batch];
        (_forwardBatch ?? throw new InvalidOperationException("compiled without runners"))(network, inputs, outputs, batch);
        return outputs;
    }
    /// <summary>Runs <paramref name="batch"/> samples into a caller-owned output (for the allocation test).</summary>
    public void ForwardInto(object network, float[] inputs, float[] outputs, int batch)
        => (_forwardBatch ?? throw new InvalidOperationException("compiled without runners"))(network, inputs, outputs, batch);

    /// <summary>The instance's <c>MaxDegreeOfParallelism</c>.</summary>
    public int GetMaxDegreeOfParallelism(object network)
        => (_getDegree ?? throw new InvalidOperationException("compiled without runners"))(network);

    /// <summary>Sets the instance's <c>MaxDegreeOfParallelism</c> (through the generated setter, which validates it).</summary>
    public void SetMaxDegreeOfParallelism(object network, int degree)
        => (_setDegree ?? throw new InvalidOperationException("compiled without runners"))(network, degree);

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
