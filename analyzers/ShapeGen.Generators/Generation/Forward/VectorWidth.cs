namespace ShapeGen.Generators.Generation.Forward;

/// <summary>
/// One SIMD width the kernels are emitted for. Each network gets a 512-, 256- and 128-bit copy of its kernels; the
/// JIT keeps only the one whose <c>IsHardwareAccelerated</c> is true (a constant for it), and the 128-bit copy is the
/// portable fallback.
/// </summary>
internal sealed record VectorWidth(int Bits, int Lanes, int AccumulatorBudget)
{
    public static readonly VectorWidth[] All =
    {
        // 32 zmm registers: up to 24 accumulators leave room for weights and the broadcast input.
        new(512, 16, 24),
        // 16 ymm/xmm registers on x64.
        new(256, 8, 10),
        new(128, 4, 10),
    };

    /// <summary>Vector registers the width can count on (AVX-512 has 32; AVX2, SSE and AdvSimd code plans for 16).</summary>
    public int Registers => Bits == 512 ? 32 : 16;

    public string Suffix => Bits.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string Static => $"global::System.Runtime.Intrinsics.Vector{Bits}";

    public string Type => $"global::System.Runtime.Intrinsics.Vector{Bits}<float>";
}
