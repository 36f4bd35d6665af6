using System.Linq;
using ShapeGen.Generators.Engine;

namespace ShapeGen.Generators.Generation;

/// <summary>The contract's shape members: sizes, counts, shapes, the layer table and the summary text.</summary>
internal static class MetadataEmitter
{
    public static void Write(SourceWriter w, NetworkAnalysis network, string summary)
    {
        string generated = NetworkEmitter.GeneratedCodeAttribute;

        w.Line($"/// <summary>Elements in one input sample: {CSharpLiterals.XmlEscape(Shapes.Dims(network.InputShape))}.</summary>");
        w.Line(generated);
        w.Line($"public const int InputSize = {network.InputElements};");
        w.Line();
        w.Line($"/// <summary>Elements in one output sample: {CSharpLiterals.XmlEscape(Shapes.Dims(network.OutputShape))}.</summary>");
        w.Line(generated);
        w.Line($"public const int OutputSize = {network.OutputElements};");
        w.Line();
        w.Line("/// <summary>");
        w.Line($"/// All parameters, as Keras <c>model.count_params()</c>: {SummaryFormatter.Count(network.Parameters)}; the constructor takes exactly this many floats. Per layer:");
        NetworkEmitter.WriteTable(w, summary);
        w.Line("/// </summary>");;
        w.Line(generated);
        w.Line($"public const long ParameterCount = {CSharpLiterals.Long(network.Parameters)};");
        w.Line();
        w.Line("/// <summary>Trainable parameters (BatchNormalization's moving statistics are not).</summary>");
        w.Line(generated);
        w.Line($"public const long TrainableParameterCount = {CSharpLiterals.Long(network.TrainableParameters)};");
        w.Line();
        w.Line("/// <summary>Multiply-adds for one sample.</summary>");
        w.Line(generated);
        w.Line($"public const long MultiplyAddCount = {CSharpLiterals.Long(network.MultiplyAdds)};");
        w.Line();
        w.Line($"/// <summary>The input shape without the batch axis: {CSharpLiterals.XmlEscape(Shapes.List(network.InputShape))}.</summary>");
        w.Line(generated);
        w.Line($"public static global::System.ReadOnlySpan<int> InputShape => {CSharpLiterals.IntArray(network.InputShape)};");
        w.Line();
        w.Line($"/// <summary>The output shape without the batch axis: {CSharpLiterals.XmlEscape(Shapes.List(network.OutputShape))}.</summary>");
        w.Line(generated);
        w.Line($"public static global::System.ReadOnlySpan<int> OutputShape => {CSharpLiterals.IntArray(network.OutputShape)};");
        w.Line();
        w.Line("/// <summary>Every layer with its Keras name, output shape, parameters and multiply-adds.</summary>");
        w.Line(generated);
        w.Line("public static global::System.Collections.Generic.IReadOnlyList<global::ShapeGen.LayerInfo> Layers { get; } = new global::ShapeGen.LayerInfo[]");
        w.Line("{");
        w.Indent();
        foreach (var layer in network.Layers)
        {
            w.Line($"new global::ShapeGen.LayerInfo({CSharpLiterals.String(layer.Name)}, {CSharpLiterals.String(layer.TypeName)}, " +
                   $"{CSharpLiterals.IntArray(layer.OutputShape)}, {CSharpLiterals.Long(layer.Parameters)}, " +
                   $"{CSharpLiterals.Long(layer.TrainableParameters)}, {CSharpLiterals.Long(layer.MultiplyAdds)}) " +
                   $"{{ Inputs = new string[] {{ {string.Join(", ", layer.Inbound.Select(CSharpLiterals.String))} }} }},");
        }
        w.Outdent();
        w.Line("};");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// The Keras-style summary table, as printed during the build:");
        NetworkEmitter.WriteTable(w, summary);
        w.Line("/// </summary>");
        w.Line(generated);
        w.Line($"public static string Summary => {CSharpLiterals.String(summary)};");
        w.Line();
    }
}
