using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ShapeGen.Runtime;

namespace ShapeGen.Tests.Forward;

/// <summary>
/// The buffers generated kernels walk with unchecked references: aligned, zeroed where usable, and fenced by guard
/// floats that the forward-pass tests check after every call (<c>CompiledNetwork.Forward</c>).
/// </summary>
public sealed class AlignedMemoryTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(4096)]
    public void The_usable_region_is_aligned_zeroed_and_fenced(int count)
    {
        var array = AlignedMemory.Allocate(count, out int offset);
        var handle = GCHandle.Alloc(array, GCHandleType.Pinned); // already pinned: this only reads the address
        try
        {
            nint start = handle.AddrOfPinnedObject() + (nint)Unsafe.ByteOffset(ref array[0], ref AlignedMemory.Start(array, offset));
            Assert.Equal(0, start % 64);
        }
        finally
        {
            handle.Free();
        }
        Assert.All(array.AsSpan(offset, count).ToArray(), value => Assert.Equal(0f, value));
        Assert.True(array.Length - offset - count >= AlignedMemory.GuardFloats);
        Assert.True(AlignedMemory.GuardsIntact(array, offset));
        // A guard is a NaN: a kernel that reads past its buffer into a sum gets NaN, not a plausible zero.
        Assert.True(float.IsNaN(array[offset + count]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    public void A_write_just_past_the_end_or_before_the_start_is_seen(int past)
    {
        var array = AlignedMemory.Allocate(100, out int offset);
        AlignedMemory.Start(array, offset) = 1f;
        Unsafe.Add(ref AlignedMemory.Start(array, offset), 99) = 1f; // last usable float: allowed
        Assert.True(AlignedMemory.GuardsIntact(array, offset));

        Unsafe.Add(ref AlignedMemory.Start(array, offset), 100 + past) = 0f;
        Assert.False(AlignedMemory.GuardsIntact(array, offset));

        var before = AlignedMemory.Allocate(100, out int beforeOffset);
        if (beforeOffset > 0)
        {
            before[beforeOffset - 1] = 0f;
            Assert.False(AlignedMemory.GuardsIntact(before, beforeOffset));
        }
    }

    [Fact]
    public void Guards_are_recognisable_bits_not_any_NaN()
    {
        var array = AlignedMemory.Allocate(8, out int offset);
        Assert.True(AlignedMemory.GuardsIntact(array, offset));
        array[offset + 8] = float.NaN; // a kernel that wrote a NaN past the end still damaged the guard
        Assert.False(AlignedMemory.GuardsIntact(array, offset));
        Assert.Equal(AlignedMemory.GuardBits, MemoryMarshal.Cast<float, int>(array.AsSpan(offset + 9, 1))[0]);
    }
}
