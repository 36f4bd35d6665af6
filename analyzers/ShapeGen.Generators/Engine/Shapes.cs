using System.Collections.Generic;
using System.Linq;

namespace ShapeGen.Generators.Engine;

internal static class Shapes
{
    /// <summary>The number of elements; throws <see cref="System.OverflowException"/> rather than wrap.</summary>
    public static long Product(IEnumerable<int> shape)
    {
        long n = 1;
        foreach (int d in shape) n = checked(n * d);
        return n;
    }

    /// <summary>Keras prints shapes with the batch axis: <c>(None, 26, 26, 32)</c>.</summary>
    public static string KerasText(IEnumerable<int> shape) => "(None, " + string.Join(", ", shape) + ")";

    /// <summary>Human text for messages: <c>11×11×64</c>.</summary>
    public static string Dims(IEnumerable<int> shape) => string.Join("×", shape);

    public static string Describe(IReadOnlyList<int> shape) => shape.Count switch
    {
        1 => $"a vector of {shape[0]}",
        2 => $"a sequence {shape[0]}×{shape[1]} (steps × channels)",
        3 => $"an image {shape[0]}×{shape[1]}×{shape[2]} (height × width × channels)",
        _ => $"a rank-{shape.Count} tensor {Dims(shape)}",
    };

    public static string List(IEnumerable<int> shape) => "(" + string.Join(", ", shape.Select(d => d.ToString())) + ")";
}
