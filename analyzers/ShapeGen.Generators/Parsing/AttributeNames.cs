using ShapeGen.Generators.Engine;

namespace ShapeGen.Generators.Parsing;

/// <summary>Maps the runtime's attribute classes to engine kinds.</summary>
internal static class AttributeNames
{
    public const string Namespace = "ShapeGen";
    public const string InputMetadataName = "ShapeGen.InputAttribute";

    /// <summary>The kind for a ShapeGen attribute class name (e.g. <c>Conv2DAttribute</c>), or null for anything else.</summary>
    public static LayerKind? KindOf(string className)
    {
        const string suffix = "Attribute";
        if (!className.EndsWith(suffix, System.StringComparison.Ordinal)) return null;
        string name = className.Substring(0, className.Length - suffix.Length);
        return System.Enum.TryParse<LayerKind>(name, out var kind) && kind.ToString() == name ? kind : null;
    }
}
