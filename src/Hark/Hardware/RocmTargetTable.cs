namespace Hark.Hardware;

/// <summary>What ROCm offers one gfx target.</summary>
/// <param name="Target">The target.</param>
/// <param name="Products">Boards built on it.</param>
/// <param name="KernelsSince">First ROCm release whose libraries (rocBLAS, MIOpen, MIGraphX) ship code objects for it;
/// null when they never do and an override is the only way.</param>
/// <param name="OfficialSince">First ROCm release that lists it as supported; null when it is not listed.</param>
/// <param name="Override">The <c>HSA_OVERRIDE_GFX_VERSION</c> that makes ROCm run another target's kernels on it when its
/// own are missing; null when there is no workable one.</param>
public sealed record RocmTargetSupport(GfxTarget Target, string Products, Version? KernelsSince, Version? OfficialSince, GfxTarget? Override);

/// <summary>
/// ROCm support by gfx target, from AMD's Linux system requirements and compatibility matrix (official lists) and the
/// rocBLAS/MIGraphX build target lists (code objects shipped), with the overrides the community relies on: RDNA2 chips
/// share gfx1030's instruction set (<c>10.3.0</c>), RDNA3 chips gfx1100's (<c>11.0.0</c>).
/// </summary>
internal static class RocmTargetTable
{
    private static GfxTarget T(string name) => GfxTarget.TryParseName(name, out var t) ? t : throw new ArgumentException(name);
    private static Version V(string v) => Version.Parse(v);

    /// <summary>Every target the table knows, newest family first.</summary>
    public static IReadOnlyList<RocmTargetSupport> Entries { get; } =
    [
        new(T("gfx1201"), "Radeon RX 9070 / 9070 XT / AI PRO R9700", V("6.4.1"), V("6.4.1"), null),
        new(T("gfx1200"), "Radeon RX 9060 XT", V("6.4.1"), V("6.4.1"), null),
        new(T("gfx1151"), "Ryzen AI Max (Radeon 8060S)", V("7.0"), null, null),
        new(T("gfx1150"), "Ryzen AI 300 (Radeon 890M)", V("7.0"), null, null),
        new(T("gfx1103"), "Radeon 780M / 760M (Ryzen 7040/8040)", null, null, T("gfx1100")),
        new(T("gfx1102"), "Radeon RX 7600 / 7600 XT", V("5.6"), null, T("gfx1100")),
        new(T("gfx1101"), "Radeon RX 7800 XT / 7700 XT / PRO W7700", V("5.6"), V("6.4.1"), T("gfx1100")),
        new(T("gfx1100"), "Radeon RX 7900 XTX / XT / GRE, PRO W7900 / W7800", V("5.5"), V("5.7"), null),
        new(T("gfx1036"), "Radeon graphics of Ryzen 7000 (Raphael)", null, null, T("gfx1030")),
        new(T("gfx1035"), "Radeon 680M / 660M (Rembrandt)", null, null, T("gfx1030")),
        new(T("gfx1034"), "Radeon RX 6500 XT / 6400", null, null, T("gfx1030")),
        new(T("gfx1033"), "Van Gogh (Steam Deck)", null, null, T("gfx1030")),
        new(T("gfx1032"), "Radeon RX 6600 / 6600 XT / 6650 XT", null, null, T("gfx1030")),
        new(T("gfx1031"), "Radeon RX 6700 XT / 6750 XT / 6700", null, null, T("gfx1030")),
        new(T("gfx1030"), "Radeon RX 6800 / 6900, PRO W6800 / V620", V("5.0"), V("5.0"), null),
        new(T("gfx950"), "Instinct MI350X / MI355X", V("7.0"), V("7.0"), null),
        new(T("gfx942"), "Instinct MI300X / MI300A / MI325X", V("6.0"), V("6.0"), null),
        new(T("gfx90a"), "Instinct MI210 / MI250 / MI250X", V("5.0"), V("5.0"), null),
        new(T("gfx908"), "Instinct MI100", V("5.0"), V("5.0"), null),
        new(T("gfx906"), "Instinct MI50, Radeon VII (dropped from the support list in ROCm 6.x)", V("5.0"), null, null),
    ];

    /// <summary>The entry for <paramref name="target"/>, or null when the table does not know it.</summary>
    public static RocmTargetSupport? Find(GfxTarget target) => Entries.FirstOrDefault(e => e.Target == target);

    /// <summary>
    /// Whether ROCm <paramref name="rocm"/> ships kernels for <paramref name="target"/>. The installation's rocBLAS
    /// folder, when listed, is the ground truth; otherwise the table's release; null when neither tells.
    /// </summary>
    public static bool? ShipsKernels(GfxTarget target, RocmInstall? rocm)
    {
        if (rocm is { RocblasTargets.Count: > 0 }) return rocm.RocblasTargets.Contains(target.Name, StringComparer.Ordinal);
        var entry = Find(target);
        if (entry is null) return null;
        if (entry.KernelsSince is null) return false;
        return rocm?.Version is { } v ? v >= entry.KernelsSince : null;
    }
}
