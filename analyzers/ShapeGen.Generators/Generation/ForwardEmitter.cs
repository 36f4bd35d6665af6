using ShapeGen.Generators.Engine;

namespace ShapeGen.Generators.Generation;

/// <summary>The constructor and Forward methods (issue: generated forward pass).</summary>
internal static class ForwardEmitter
{
    public static void Write(SourceWriter w, TypeModel type, NetworkAnalysis network)
    {
    }
}
