using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Text;
using Microsoft.CodeAnalysis;
using ShapeGen.Runtime;

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
/// generator neither failed nor produced code with errors or warnings, loads the result into its own
/// <see cref="AssemblyLoadContext"/>, and reads each network's generated members by reflection.
/// Reusable for anything that needs the generated code to run (the forward pass).
/// </summary>
/// <remarks>
/// The contexts are not collectible, on purpose. Generated networks keep their workspace in a <c>[ThreadStatic]</c>
/// field, set on the test threads and on WorkSplitter's helper threads; unloading a collectible context that owns
/// thread statics while other threads run, exit and collect is the runtime's least-trodden path (dotnet/runtime#110837
/// and its predecessors were crashes there), and this suite crashed intermittently inside the GC (twice in about ten
/// runs here, once in CI; never in a test's own frames) while its contexts were collectible. A test run compiles about
/// a dozen small assemblies, so keeping them loaded costs little.
/// </remarks>
public sealed class NetworkCompiler : IDisposable
{
    private readonly Dictionary<string, CompiledNetwork> _networks = new(StringComparer.Ordinal);

    private NetworkCompiler(GeneratorRun run, Assembly assembly)
    {
        Run = run;
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
        var output = SoftwareVector512.IsOn ? SoftwareVector512.Force(run.Output, run.GeneratedTrees) : run.Output;
        var emit = output.Emit(pe);
        var generated = new HashSet<SyntaxTree>(output.SyntaxTrees.Except(run.Input.SyntaxTrees));
        problems.AddRange(emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => "compile error " + d));
        problems.AddRange(emit.Diagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Warning && d.Location.SourceTree is { } tree && generated.Contains(tree))
            .Select(d => "warning in generated code " + d));
        if (problems.Count > 0 || !emit.Success) throw new NetworkCompilationException(problems);
        pe.Position = 0;
        var context = new AssemblyLoadContext(assemblyName, isCollectible: false);
        var assembly = context.LoadFromStream(pe);
        var compiler = new NetworkCompiler(run, assembly);
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
    /// compiled with them, exposes both as <c>float[]</c> methods that become delegates (Forward on a slice of each
    /// array, so tests can surround the spans with guard values).
    /// </summary>
    private static string Runners(IReadOnlyList<NetworkSource> networks)
    {
        var code = new StringBuilder("public static class " + RunnerClass + "\n{\n");
        for (int i = 0; i < networks.Count; i++)
        {
            string type = "global::" + networks[i].TypeName;
            code.Append($"    public static object Create{i}(float[] parameters) => new {type}(parameters);\n");
            code.Append($"    public static void Forward{i}(object network, float[] input, int inputStart, int inputLength, float[] output, int outputStart, int outputLength)\n");
            code.Append($"        => (({type})network).Forward(new global::System.ReadOnlySpan<float>(input, inputStart, inputLength), new global::System.Span<float>(output, outputStart, outputLength));\n");
            code.Append($"    public static void ForwardBatch{i}(object network, float[] input, int inputStart, int inputLength, float[] output, int outputStart, int outputLength, int batch)\n");
            code.Append($"        => (({type})network).Forward(new global::System.ReadOnlySpan<float>(input, inputStart, inputLength), new global::System.Span<float>(output, outputStart, outputLength), batch);\n");
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

    /// <summary>Forgets the networks; the assembly stays loaded (see the remarks on the class).</summary>
    public void Dispose()
    {
        _networks.Clear();
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
    private delegate void SliceForward(object network, float[] input, int inputStart, int inputLength, float[] output, int outputStart, int outputLength);
    private delegate void SliceForwardBatch(object network, float[] input, int inputStart, int inputLength, float[] output, int outputStart, int outputLength, int batch);

    public CompiledNetwork(Type type, Type? runners = null, int index = 0)
    {
        Type = type;
        if (runners != null)
        {
            _create = runners.GetMethod("Create" + index)!.CreateDelegate<Func<float[], object>>();
            _forward = runners.GetMethod("Forward" + index)!.CreateDelegate<SliceForward>();
            _forwardBatch = runners.GetMethod("ForwardBatch" + index)!.CreateDelegate<SliceForwardBatch>();
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
    private readonly SliceForward? _forward;
    private readonly SliceForwardBatch? _forwardBatch;
    private readonly Func<object, int>? _getDegree;
    private readonly Action<object, int>? _setDegree;

    public Type Type { get; }

    /// <summary>An instance from <paramref name="parameters"/> in Keras get_weights() order (needs <c>withRunners</c>).</summary>
    public object Create(float[] parameters) => (_create ?? throw new InvalidOperationException("compiled without runners"))(parameters);

    /// <summary>
    /// Runs one sample through <paramref name="network"/> (an instance from <see cref="Create"/>) with memory guards
    /// (<see cref="GuardedForward"/>): fails if the forward pass writes outside its buffers or leaves an output unset.
    /// </summary>
    public float[] Forward(object network, float[] input)
        => GuardedForward(network, input, OutputSize, (guardedInput, inputStart, guardedOutput, outputStart) =>
            (_forward ?? throw new InvalidOperationException("compiled without runners"))(network, guardedInput, inputStart, input.Length, guardedOutput, outputStart, OutputSize));

    /// <summary>Runs one sample into a caller-owned output (no allocation of its own, for the allocation test).</summary>
    public void ForwardInto(object network, float[] input, float[] output)
        => (_forward ?? throw new InvalidOperationException("compiled without runners"))(network, input, 0, input.Length, output, 0, output.Length);

    /// <summary>Runs <paramref name="batch"/> samples stored back to back, with memory guards like <see cref="Forward(object, float[])"/>.</summary>
    public float[] Forward(object network, float[] inputs, int batch)
        => GuardedForward(network, inputs, checked(OutputSize * batch), (guardedInputs, inputStart, guardedOutputs, outputStart) =>
            (_forwardBatch ?? throw new InvalidOperationException("compiled without runners"))(network, guardedInputs, inputStart, inputs.Length, guardedOutputs, outputStart, OutputSize * batch, batch));

    /// <summary>Runs <paramref name="batch"/> samples into a caller-owned output (for the allocation test).</summary>
    public void ForwardInto(object network, float[] inputs, float[] outputs, int batch)
        => (_forwardBatch ?? throw new InvalidOperationException("compiled without runners"))(network, inputs, 0, inputs.Length, outputs, 0, outputs.Length, batch);

    /// <summary>
    /// Generated kernels address memory with unchecked references, so a wrong bound corrupts the heap and crashes the
    /// process long after the guilty call. This runs <paramref name="run"/> on copies of the input and output with
    /// <see cref="GuardLength"/> NaN guards on both sides (the output's own floats NaN too, so any it fails to write
    /// show), then checks the guards, the input, and the guards of the network's weights and this thread's workspace
    /// (<c>AlignedMemory.GuardsIntact</c>), naming whatever was overwritten.
    /// </summary>
    private float[] GuardedForward(object network, float[] input, int outputLength, Action<float[], int, float[], int> run)
    {
        float guard = AlignedMemory.Guard;
        var guardedInput = new float[input.Length + 2 * GuardLength];
        guardedInput.AsSpan().Fill(guard);
        input.CopyTo(guardedInput, GuardLength);
        var guardedOutput = new float[outputLength + 2 * GuardLength];
        guardedOutput.AsSpan().Fill(guard);

        run(guardedInput, GuardLength, guardedOutput, GuardLength);

        var damage = new List<string>();
        if (!AlignedMemory.IsGuard(guardedInput.AsSpan(0, GuardLength)) || !AlignedMemory.IsGuard(guardedInput.AsSpan(GuardLength + input.Length)))
            damage.Add("wrote outside the input span");
        if (!guardedInput.AsSpan(GuardLength, input.Length).SequenceEqual(input)) damage.Add("changed the input");
        if (!AlignedMemory.IsGuard(guardedOutput.AsSpan(0, GuardLength)) || !AlignedMemory.IsGuard(guardedOutput.AsSpan(GuardLength + outputLength)))
            damage.Add("wrote outside the output span");
        var output = guardedOutput.AsSpan(GuardLength, outputLength).ToArray();
        int unset = MemoryMarshal.Cast<float, int>(output.AsSpan()).IndexOf(AlignedMemory.GuardBits);
        if (unset >= 0) damage.Add($"left output {unset} unwritten");
        if (!AlignedGuardsIntact(network, "_weights", "_weightsOffset")) damage.Add("wrote outside its weights buffer");
        if (!AlignedGuardsIntact(null, "t_workspace", "t_workspaceOffset")) damage.Add("wrote outside its workspace");
        if (damage.Count > 0) throw new InvalidOperationException($"{Type.Name}.Forward {string.Join(", ", damage)}.");
        return output;
    }

    /// <summary>Floats of guard on each side of a guarded forward pass's input and output: four cache lines.</summary>
    private const int GuardLength = 64;

    /// <summary>Whether the guards of one of the network's aligned buffers (a generated private field) are intact.</summary>
    private bool AlignedGuardsIntact(object? instance, string arrayField, string offsetField)
    {
        var flags = BindingFlags.NonPublic | (instance is null ? BindingFlags.Static : BindingFlags.Instance);
        var array = (float[]?)(Type.GetField(arrayField, flags) ?? throw new MissingFieldException(Type.FullName, arrayField)).GetValue(instance);
        var offset = (int)(Type.GetField(offsetField, flags) ?? throw new MissingFieldException(Type.FullName, offsetField)).GetValue(instance)!;
        return array is null || AlignedMemory.GuardsIntact(array, offset);
    }

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
