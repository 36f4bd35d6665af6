namespace ShapeGen.Generators.Engine;

/// <summary>
/// What the forward pass's static buffer plan needs: the most activation floats alive at once, and the size of
/// the per-thread workspace that holds them (slots are reused once the last layer reading them has run).
/// </summary>
internal sealed record ActivationMemory(long PeakLiveFloats, long WorkspaceFloats);
