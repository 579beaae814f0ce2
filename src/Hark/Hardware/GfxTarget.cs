using System.Globalization;

namespace Hark.Hardware;

/// <summary>
/// An AMD GPU instruction-set target (<c>gfx1101</c>): major version, minor version and stepping. The kernel's KFD
/// topology writes it as the decimal <c>gfx_target_version</c> (<c>110001</c>), <c>HSA_OVERRIDE_GFX_VERSION</c> as
/// <c>11.0.1</c>, and LLVM as <c>gfx</c> + major in decimal + minor and stepping as one hex digit each.
/// </summary>
/// <param name="Major">Major version (9 for GCN5/CDNA, 10 for RDNA1/2, 11 for RDNA3, 12 for RDNA4).</param>
/// <param name="Minor">Minor version.</param>
/// <param name="Stepping">Stepping.</param>
public readonly record struct GfxTarget(int Major, int Minor, int Stepping)
{
    /// <summary>The LLVM name, e.g. <c>gfx1101</c> or <c>gfx90a</c>.</summary>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"gfx{Major}{Minor:x}{Stepping:x}");

    /// <summary>The spelling <c>HSA_OVERRIDE_GFX_VERSION</c> expects, e.g. <c>11.0.1</c>.</summary>
    public string OverrideSpelling => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}.{Stepping}");

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>Decodes KFD's <c>gfx_target_version</c> (e.g. <c>110001</c>); null for 0 (a CPU node).</summary>
    public static GfxTarget? FromKfdVersion(long value) =>
        value <= 0 ? null : new GfxTarget((int)(value / 10000), (int)(value / 100 % 100), (int)(value % 100));

    /// <summary>Parses <c>HSA_OVERRIDE_GFX_VERSION</c> syntax (<c>10.3.0</c>); false when malformed.</summary>
    public static bool TryParseOverride(string? text, out GfxTarget target)
    {
        target = default;
        var parts = text?.Trim().Split('.') ?? [];
        if (parts.Length != 3) return false;
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major) ||
            !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor) ||
            !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var stepping))
            return false;
        // LLVM names carry minor and stepping as one hex digit each.
        if (major is < 6 or > 99 || minor > 15 || stepping > 15) return false;
        target = new GfxTarget(major, minor, stepping);
        return true;
    }

    /// <summary>Parses an LLVM name (<c>gfx1101</c>, <c>gfx90a</c>); false when malformed.</summary>
    public static bool TryParseName(string? name, out GfxTarget target)
    {
        target = default;
        if (name is null || !name.StartsWith("gfx", StringComparison.OrdinalIgnoreCase) || name.Length < 6) return false;
        var body = name[3..];
        if (!int.TryParse(body[..^2], NumberStyles.None, CultureInfo.InvariantCulture, out var major) ||
            !int.TryParse(body[^2..^1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var minor) ||
            !int.TryParse(body[^1..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var stepping))
            return false;
        target = new GfxTarget(major, minor, stepping);
        return true;
    }
}
