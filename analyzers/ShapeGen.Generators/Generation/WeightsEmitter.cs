using ShapeGen.Generators.Engine;

namespace ShapeGen.Generators.Generation;

/// <summary>
/// The weight list (<c>Weights</c>) and the one-call loaders (<c>Load</c>, <c>LoadPyTorch</c>). The loaders are thin:
/// the runtime library reads the containers and matches tensors; the generated code only hands it the network's
/// expected tensors.
/// </summary>
internal static class WeightsEmitter
{
    private const string WeightInfo = "global::ShapeGen.WeightInfo";
    private const string Keras = "global::ShapeGen.WeightFiles.KerasWeights";
    private const string PyTorch = "global::ShapeGen.WeightFiles.PyTorchWeights";
    private const string PyTorchOptions = "global::ShapeGen.WeightFiles.PyTorchLoadOptions?";

    public static void Write(SourceWriter w, TypeModel type, NetworkAnalysis network, WeightFileModel? weightFile)
    {
        string generated = NetworkEmitter.GeneratedCodeAttribute;
        string self = SelfReference(type);
        string name = CSharpLiterals.String(type.Name);

        w.Line("/// <summary>");
        w.Line("/// Every weight tensor the constructor takes, in Keras <c>get_weights()</c> order: Keras name (<c>conv2d/kernel</c>), shape,");
        w.Line("/// and where it starts in the parameter array. The loaders look for these tensors in a file.");
        w.Line("/// </summary>");
        w.Line(generated);
        w.Line($"public static global::System.Collections.Generic.IReadOnlyList<{WeightInfo}> Weights {{ get; }} = new {WeightInfo}[]");
        w.Line("{");
        w.Indent();
        foreach (var tensor in WeightTensors.Of(network))
        {
            string init = $"StoragePath = {CSharpLiterals.String(tensor.StoragePath)}, VariableIndex = {CSharpLiterals.Int(tensor.VariableIndex)}";
            if (tensor.FlattenedFrom.Count > 0) init += $", FlattenedFrom = {CSharpLiterals.IntArray(tensor.FlattenedFrom)}";
            w.Line($"new {WeightInfo}({CSharpLiterals.String(tensor.Layer)}, {CSharpLiterals.String(tensor.LayerType)}, {CSharpLiterals.String(tensor.Variable)}, " +
                   $"{CSharpLiterals.IntArray(tensor.Shape)}, {CSharpLiterals.Long(tensor.Offset)}) {{ {init} }},");
        }
        w.Outdent();
        w.Line("};");
        w.Line();

        if (weightFile is { Embed: true, Bytes.Count: > 0 })
        {
            WriteEmbedded(w, type, weightFile);
        }

        if (type.IsAbstract)
        {
            // 'new Net(...)' does not compile for an abstract type: its subclasses call the constructor instead.
            return;
        }

        w.Line("/// <summary>");
        w.Line("/// Creates the network from weights saved from Keras: <c>.bin</c> (raw float32, Keras order), <c>.npz</c> (arrays named like");
        w.Line("/// <c>conv2d/kernel</c>, or <c>arr_0</c>, <c>arr_1</c>, ... in Keras order), <c>.safetensors</c> (Keras names) or Keras 3");
        w.Line("/// <c>.weights.h5</c> (add the PureHDF package for that one). Every tensor is checked against <see cref=\"Weights\"/> first.");
        w.Line("/// </summary>");
        w.Line("/// <exception cref=\"global::ShapeGen.WeightFileException\">The file does not fit the network or cannot be read; the message names the tensor and the shapes.</exception>");
        w.Line("/// <exception cref=\"global::System.IO.FileNotFoundException\">There is no such file.</exception>");
        w.Line(generated);
        w.Line($"public static {self} Load(string path) => new {self}({Keras}.Read(path, Weights, {name}));");
        w.Line();
        w.Line("/// <summary>Creates the network from a weight file's bytes; <paramref name=\"fileName\"/> is for messages and tells the format by its extension (else the first bytes do).</summary>");
        w.Line(generated);
        w.Line($"public static {self} Load(global::System.IO.Stream stream, string? fileName = null) => new {self}({Keras}.Read(stream, Weights, fileName, global::ShapeGen.WeightFiles.WeightFileFormat.Auto, {name}));");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Creates the network from a PyTorch <c>state_dict</c> saved with <c>safetensors.torch.save_file(model.state_dict(), path)</c>:");
        w.Line("/// Conv weights <c>[out, in, kh, kw]</c> become <c>[kh, kw, in, out]</c>, Linear <c>[out, in]</c> becomes <c>[in, out]</c>, and the first");
        w.Line("/// Linear after a Flatten is reordered from PyTorch's channels-first flattening (unless <c>Flatten = PyTorchFlatten.ChannelsLast</c>).");
        w.Line("/// Modules are paired with the layers that have weights in natural order of their names (<c>conv1</c>, <c>conv2</c>, <c>fc</c>;");
        w.Line("/// <c>features.0</c>, <c>features.3</c>); when that is not the network's order, give <c>ModuleNames</c>: Keras layer name → PyTorch");
        w.Line("/// module, e.g. <c>[\"conv2d\"] = \"c1\"</c>. See <see cref=\"global::ShapeGen.WeightFiles.PyTorchWeights\"/>.");
        w.Line("/// </summary>");
        w.Line("/// <exception cref=\"global::ShapeGen.WeightFileException\">The file does not fit the network or cannot be read.</exception>");
        w.Line(generated);
        w.Line($"public static {self} LoadPyTorch(string path, {PyTorchOptions} options = null) => new {self}({PyTorch}.Read(path, Weights, options, {name}));");
        w.Line();
        w.Line("/// <summary>Creates the network from a PyTorch <c>state_dict</c> in safetensors form, from a stream; see <c>LoadPyTorch(string, ...)</c>.</summary>");
        w.Line(generated);
        w.Line($"public static {self} LoadPyTorch(global::System.IO.Stream stream, {PyTorchOptions} options = null, string? fileName = null) => new {self}({PyTorch}.Read(stream, Weights, options, fileName, {name}));");
        w.Line();
    }

    private static void WriteEmbedded(SourceWriter w, TypeModel type, WeightFileModel weightFile)
    {
        string generated = NetworkEmitter.GeneratedCodeAttribute;
        string fileName = CSharpLiterals.String(weightFile.FileName);
        string reader = weightFile.PyTorch
            ? $"{PyTorch}.Read(new global::System.IO.MemoryStream(EmbeddedWeightFile.ToArray(), writable: false), Weights, null, {fileName}, {CSharpLiterals.String(type.Name)})"
            : $"{Keras}.Read(new global::System.IO.MemoryStream(EmbeddedWeightFile.ToArray(), writable: false), Weights, {fileName}, global::ShapeGen.WeightFiles.WeightFileFormat.Auto, {CSharpLiterals.String(type.Name)})";
        w.Line($"/// <summary>Creates the network from {CSharpLiterals.XmlEscape(weightFile.FileName)}, embedded in the assembly at build time ([Weights(Embed = true)]).</summary>");
        w.Line(generated);
        w.Line($"public {type.Identifier}() : this({reader})");
        w.Line("{");
        w.Line("}");
        w.Line();
        w.Line($"/// <summary>The bytes of {CSharpLiterals.XmlEscape(weightFile.FileName)} as they were at build time ({weightFile.Bytes.Count:N0} bytes).</summary>");
        w.Line(generated);
        w.Line("private static global::System.ReadOnlySpan<byte> EmbeddedWeightFile => new byte[]");
        w.Line("{");
        w.Indent();
        var line = new System.Text.StringBuilder();
        for (int i = 0; i < weightFile.Bytes.Count; i++)
        {
            line.Append(weightFile.Bytes[i].ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(',');
            if (line.Length >= 120)
            {
                w.Line(line.ToString());
                line.Clear();
            }
        }
        if (line.Length > 0) w.Line(line.ToString());
        w.Outdent();
        w.Line("};");
        w.Line();
    }

    /// <summary>How the type names itself in its own members: <c>Net</c>, <c>Net&lt;T&gt;</c>.</summary>
    private static string SelfReference(TypeModel type)
    {
        // The last match: the name ends the declaration (before its type parameters), and a short name such as
        // 'c' would also match the keyword in "partial class c". Declaration holds the escaped name (@class).
        int at = type.Declaration.LastIndexOf(" " + type.Identifier, System.StringComparison.Ordinal);
        return at < 0 ? type.Identifier : type.Declaration.Substring(at + 1);
    }
}
