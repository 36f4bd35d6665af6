using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ShapeGen.Runtime;

/// <summary>
/// Pinned float arrays on the pinned object heap whose usable part starts on a 64-byte boundary, so generated
/// kernels can walk them with unchecked references and aligned vector loads.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class AlignedMemory
{
    /// <summary>Alignment of the usable region, in floats (64 bytes: one cache line, one Vector512).</summary>
    public const int AlignmentFloats = 16;

    /// <summary>
    /// Floats after the usable region (and any before it) hold <see cref="GuardBits"/>: a kernel that writes past its
    /// buffer changes them, which <see cref="GuardsIntact"/> sees, instead of silently corrupting the heap; one that
    /// reads past it gets NaN instead of a harmless-looking zero.
    /// </summary>
    internal const int GuardFloats = 16;

    /// <summary>A quiet NaN with a recognisable payload, the value of every guard float.</summary>
    internal const int GuardBits = 0x7FC5_A5A5;

    /// <summary>The guard value as a float.</summary>
    internal static float Guard => BitConverter.Int32BitsToSingle(GuardBits);

    /// <summary>
    /// A zeroed, pinned array with at least <paramref name="count"/> usable floats from <paramref name="offset"/>,
    /// followed by <see cref="GuardFloats"/> guard floats.
    /// </summary>
    public static unsafe float[] Allocate(long count, out int offset)
    {
        if (count < 0 || count > Array.MaxLength - AlignmentFloats - GuardFloats)
            throw new ArgumentOutOfRangeException(nameof(count), count, "The buffer is larger than a .NET array can hold.");
        var array = GC.AllocateArray<float>((int)count + AlignmentFloats + GuardFloats, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        int misalignment = (int)(address & 63) / sizeof(float);
        offset = misalignment == 0 ? 0 : AlignmentFloats - misalignment;
        array.AsSpan(0, offset).Fill(Guard);
        array.AsSpan(offset + (int)count).Fill(Guard);
        return array;
    }

    /// <summary>
    /// Whether every float outside the usable region of an array made by <see cref="Allocate"/> still holds its guard
    /// value: false means something wrote outside the buffer (for tests of generated kernels).
    /// </summary>
    internal static bool GuardsIntact(float[] array, int offset)
    {
        int count = array.Length - AlignmentFloats - GuardFloats;
        return IsGuard(array.AsSpan(0, offset)) && IsGuard(array.AsSpan(offset + count));
    }

    /// <summary>Whether every float of <paramref name="span"/> is the guard value, bit for bit (not just any NaN).</summary>
    internal static bool IsGuard(ReadOnlySpan<float> span)
        => MemoryMarshal.Cast<float, int>(span).IndexOfAnyExcept(GuardBits) < 0;

    /// <summary>The aligned start of an array made by <see cref="Allocate"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref float Start(float[] array, int offset)
        => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), offset);
}
