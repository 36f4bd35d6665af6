using ShapeGen.Generators.Common;
using ShapeGen.Generators.Engine;

namespace ShapeGen.Generators.Generation;

/// <summary>
/// Everything the emitter needs for one network: equatable values only (no symbols, syntax or compilation),
/// so an edit elsewhere leaves the model equal and the pipeline serves the cached output.
/// </summary>
internal sealed record NetworkModel(TypeModel Type, NetworkAnalysis? Analysis, string? Failure)
{
    public bool CanEmit => Failure == null && Analysis is { IsValid: true };

    /// <summary>The network's [Weights] attribute, if any.</summary>
    public WeightFileModel? WeightFile { get; init; }
}

/// <summary>
/// [Weights(path, PyTorch = ..., Embed = ...)]. <see cref="Bytes"/> holds the file when it is to be embedded and was
/// found among the AdditionalFiles (and is small enough); empty otherwise.
/// </summary>
internal sealed record WeightFileModel(string Path, bool PyTorch, bool Embed)
{
    public EquatableArray<byte> Bytes { get; init; } = EquatableArray<byte>.Empty;

    public string FileName
    {
        get
        {
            int slash = Path.LastIndexOfAny(new[] { '/', '\\' });
            return slash < 0 ? Path : Path.Substring(slash + 1);
        }
    }
}
