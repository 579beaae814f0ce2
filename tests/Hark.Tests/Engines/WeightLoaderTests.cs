using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Hark.Engines.Cpu;

namespace Hark.Tests.Engines;

public sealed class WeightLoaderTests
{
    /// <summary>Every finite half, zeros and subnormals included, widens exactly as the runtime's conversion does.</summary>
    [Fact]
    public unsafe void Float16_loader_widens_every_finite_half_exactly()
    {
        var halves = new ushort[65536];
        for (var i = 0; i < halves.Length; i++) halves[i] = (ushort)i;
        fixed (ushort* p = halves)
        {
            for (var i = 0; i < halves.Length; i += 16)
            {
                var wide = new float[Avx512F.IsSupported ? 16 : 0];
                if (Avx512F.IsSupported) Float16Loader.Load512((byte*)(p + i)).CopyTo(wide);
                var narrow0 = new float[Avx2.IsSupported ? 8 : 0];
                var narrow1 = new float[Avx2.IsSupported ? 8 : 0];
                if (Avx2.IsSupported)
                {
                    Float16Loader.Load256((byte*)(p + i)).CopyTo(narrow0);
                    Float16Loader.Load256((byte*)(p + i + 8)).CopyTo(narrow1);
                }
                for (var j = 0; j < 16; j++)
                {
                    var h = BitConverter.UInt16BitsToHalf(halves[i + j]);
                    if (!Half.IsFinite(h)) continue; // rejected at load: weights and caches never hold them
                    var expected = BitConverter.SingleToInt32Bits((float)h);
                    if (wide.Length > 0) Assert.Equal(expected, BitConverter.SingleToInt32Bits(wide[j]));
                    if (narrow0.Length > 0) Assert.Equal(expected, BitConverter.SingleToInt32Bits(j < 8 ? narrow0[j] : narrow1[j - 8]));
                }
            }
        }
    }
}
