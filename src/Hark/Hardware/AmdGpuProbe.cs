using System.Globalization;

namespace Hark.Hardware;

/// <summary>
/// Finds AMD GPUs: KFD topology nodes (<c>/sys/class/kfd/kfd/topology/nodes/N/properties</c>) give the target and
/// compute units; the DRM card (<c>/sys/class/drm/cardN/device</c>) with the same render node gives memory.
/// </summary>
internal static class AmdGpuProbe
{
    private const string Nodes = "/sys/class/kfd/kfd/topology/nodes";
    private const string Drm = "/sys/class/drm";
    private const int AmdVendor = 0x1002;

    public static IReadOnlyList<AmdGpuInfo> Read(IFileSystemView fs)
    {
        var cards = ReadCards(fs);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var gpus = new List<AmdGpuInfo>();
        foreach (var node in fs.List(Nodes).Select(n => int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : -1).Where(i => i >= 0).Order())
        {
            var props = ParseProperties(fs.ReadText($"{Nodes}/{node}/properties"));
            if (GfxTarget.FromKfdVersion(props.GetValueOrDefault("gfx_target_version")) is not { } target) continue;
            var simd = (int)props.GetValueOrDefault("simd_count");
            var simdPerCu = (int)props.GetValueOrDefault("simd_per_cu");
            var deviceId = props.TryGetValue("device_id", out var d) ? (int)d : (int?)null;
            var renderMinor = props.TryGetValue("drm_render_minor", out var m) ? (int)m : (int?)null;

            var card = cards.FirstOrDefault(c => !used.Contains(c.Name) && renderMinor is not null && c.RenderMinors.Contains(renderMinor.Value))
                ?? cards.FirstOrDefault(c => !used.Contains(c.Name) && deviceId is not null && c.DeviceId == deviceId);
            if (card is not null) used.Add(card.Name);

            long? bankBytes = null;
            foreach (var bank in fs.List($"{Nodes}/{node}/mem_banks"))
            {
                var bp = ParseProperties(fs.ReadText($"{Nodes}/{node}/mem_banks/{bank}/properties"));
                // heap_type 1 and 2 are the device's public and private frame buffer.
                if (bp.GetValueOrDefault("heap_type") is 1 or 2) bankBytes = (bankBytes ?? 0) + bp.GetValueOrDefault("size_in_bytes");
            }

            var family = RocmTargetTable.Find(target)?.Products;
            var name = card?.ProductName ?? family ?? $"AMD GPU ({target.Name})";
            gpus.Add(new AmdGpuInfo(
                node, target, name,
                simdPerCu > 0 ? simd / simdPerCu : simd,
                simd,
                card?.VramTotal ?? bankBytes,
                card?.VramUsed,
                deviceId ?? card?.DeviceId,
                card?.Name,
                props.GetValueOrDefault("cpu_cores_count") > 0));
        }
        return gpus;
    }

    /// <summary>AMD display cards without a KFD node: present, but no compute driver.</summary>
    public static IReadOnlyList<string> CardsWithoutCompute(IFileSystemView fs, IReadOnlyList<AmdGpuInfo> gpus) =>
        ReadCards(fs).Where(c => gpus.All(g => g.DrmCard != c.Name)).Select(c => c.Name).ToList();

    private sealed record Card(string Name, int? DeviceId, long? VramTotal, long? VramUsed, string? ProductName, IReadOnlyList<int> RenderMinors);

    private static List<Card> ReadCards(IFileSystemView fs)
    {
        var cards = new List<Card>();
        foreach (var name in fs.List(Drm))
        {
            // card0, card1 … but not connectors such as card0-DP-1.
            if (!name.StartsWith("card", StringComparison.Ordinal) || name.Contains('-', StringComparison.Ordinal)) continue;
            var dev = $"{Drm}/{name}/device";
            if (Hex(fs.ReadText($"{dev}/vendor")) != AmdVendor) continue;
            var minors = fs.List($"{dev}/drm")
                .Where(n => n.StartsWith("renderD", StringComparison.Ordinal))
                .Select(n => int.TryParse(n.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : -1)
                .Where(r => r >= 0).ToList();
            var product = fs.ReadText($"{dev}/product_name")?.Trim();
            cards.Add(new Card(name, Hex(fs.ReadText($"{dev}/device")), Long(fs.ReadText($"{dev}/mem_info_vram_total")),
                Long(fs.ReadText($"{dev}/mem_info_vram_used")), string.IsNullOrEmpty(product) ? null : product, minors));
        }
        return cards;
    }

    internal static Dictionary<string, long> ParseProperties(string? text)
    {
        var map = new Dictionary<string, long>(StringComparer.Ordinal);
        if (text is null) return map;
        foreach (var line in text.Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)) map[parts[0]] = v;
        }
        return map;
    }

    private static int? Hex(string? text)
    {
        var t = text?.Trim();
        if (t is null) return null;
        if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) t = t[2..];
        return int.TryParse(t, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    private static long? Long(string? text) =>
        long.TryParse(text?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
}
