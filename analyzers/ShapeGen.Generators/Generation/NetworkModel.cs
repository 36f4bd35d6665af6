using ShapeGen.Generators.Engine;

namespace ShapeGen.Generators.Generation;

/// <summary>
/// Everything the emitter needs for one network: equatable values only (no symbols, syntax or compilation),
/// so an edit elsewhere leaves the model equal and the pipeline serves the cached output.
/// </summary>
internal sealed record NetworkModel(TypeModel Type, NetworkAnalysis? Analysis, string? Failure)
{
    public bool CanEmit => Failure == null && Analysis is { IsValid: true };
}
