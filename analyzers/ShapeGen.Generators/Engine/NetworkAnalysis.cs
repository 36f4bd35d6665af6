using System.Linq;
using ShapeGen.Generators.Common;

namespace ShapeGen.Generators.Engine;

/// <summary>The engine's verdict on a whole declaration.</summary>
internal sealed record NetworkAnalysis(
    string ModelName,
    EquatableArray<int> InputShape,
    EquatableArray<LayerResult> Layers,
    EquatableArray<ShapeIssue> Issues)
{
    public const string DefaultInputName = "input";

    /// <summary>The name layers use to take the network input.</summary>
    public string InputName { get; init; } = DefaultInputName;

    /// <summary>Whether any layer names its input or merges: the summary then shows Keras's "Connected to".</summary>
    public bool IsGraph { get; init; }

    /// <summary>True when no error was found: the generator emits code only then.</summary>
    public bool IsValid => Issues.All(i => !i.IsError) && InputShape.Count > 0;

    public EquatableArray<int> OutputShape => Layers.Count == 0 ? InputShape : Layers[Layers.Count - 1].OutputShape;

    public long InputElements => Shapes.Product(InputShape);

    public long OutputElements => Shapes.Product(OutputShape);

    public long Parameters => Layers.Sum(l => l.Parameters);

    public long TrainableParameters => Layers.Sum(l => l.TrainableParameters);

    public long MultiplyAdds => Layers.Sum(l => l.MultiplyAdds);

    /// <summary>
    /// The largest single tensor of one sample: the first layer output with the most elements, or the input (Layer null)
    /// when no output is as large. Shown in the summary footer and checked by SG0010.
    /// </summary>
    public (LayerResult? Layer, long Elements) LargestActivation
    {
        get
        {
            var largest = Layers.OrderByDescending(l => l.OutputElements).FirstOrDefault();
            return largest != null && largest.OutputElements >= InputElements
                ? (largest, largest.OutputElements)
                : (null, InputElements);
        }
    }
}
