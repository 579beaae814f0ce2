using CsCheck;
using Hark.Hardware;

namespace Hark.Tests.Hardware;

public class GfxTargetTests
{
    [Theory]
    [InlineData(110001, "gfx1101", "11.0.1")]
    [InlineData(100301, "gfx1031", "10.3.1")]
    [InlineData(90010, "gfx90a", "9.0.10")]
    [InlineData(90402, "gfx942", "9.4.2")]
    [InlineData(110501, "gfx1151", "11.5.1")]
    [InlineData(120001, "gfx1201", "12.0.1")]
    public void Kfd_versions_decode_to_llvm_names_and_override_spellings(int kfd, string name, string spelling)
    {
        var t = GfxTarget.FromKfdVersion(kfd)!.Value;
        Assert.Equal(name, t.Name);
        Assert.Equal(spelling, t.OverrideSpelling);
        Assert.True(GfxTarget.TryParseName(name, out var parsed));
        Assert.Equal(t, parsed);
    }

    [Fact]
    public void Names_and_override_spellings_round_trip()
    {
        Gen.Select(Gen.Int[6, 12], Gen.Int[0, 15], Gen.Int[0, 15]).Sample((major, minor, stepping) =>
        {
            var t = new GfxTarget(major, minor, stepping);
            return GfxTarget.TryParseName(t.Name, out var a) && a == t
                   && GfxTarget.TryParseOverride(t.OverrideSpelling, out var b) && b == t;
        });
    }

    [Theory]
    [InlineData("")]
    [InlineData("gfx1030")]
    [InlineData("10.3")]
    [InlineData("10.3.0.1")]
    [InlineData("10.x.0")]
    [InlineData("11.0.16")]
    public void Malformed_overrides_are_rejected(string text) => Assert.False(GfxTarget.TryParseOverride(text, out _));

    [Fact]
    public void A_cpu_node_has_no_target() => Assert.Null(GfxTarget.FromKfdVersion(0));

    [Fact]
    public void Every_table_override_names_a_target_with_native_kernels()
    {
        foreach (var e in RocmTargetTable.Entries.Where(e => e.Override is not null))
            Assert.NotNull(RocmTargetTable.Find(e.Override!.Value)?.OfficialSince);
    }
}
