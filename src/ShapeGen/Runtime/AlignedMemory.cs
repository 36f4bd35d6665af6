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

    /// <summary>A zeroed, pinned array with at least <paramref name="count"/> usable floats from <paramref name="offset"/>.</summary>
    public static unsafe float[] Allocate(long count, out int offset)
    {
        if (count < 0 || count > Array.MaxLength - AlignmentFloats)
            throw new ArgumentOutOfRangeException(nameof(count), count, "The buffer is larger than a .NET array can hold.");
        var array = GC.AllocateArray<float>((int)count + AlignmentFloats, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        int misalignment = (int)(address & 63) / sizeof(float);
        offset = misalignment == 0 ? 0 : AlignmentFloats - misalignment;
        return array;
    }

    /// <summary>The aligned start of an array made by <see cref="Allocate"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref float Start(float[] array, int offset)
        => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), offset);
}
