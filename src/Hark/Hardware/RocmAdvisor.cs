namespace Hark.Hardware;

/// <summary>
/// ROCm advice for the detected AMD GPUs: whether <c>HSA_OVERRIDE_GFX_VERSION</c> is needed, needless or wrong, and
/// whether the installation can drive the GPU at all.
/// </summary>
internal static class RocmAdvisor
{
    private const string Variable = "HSA_OVERRIDE_GFX_VERSION";

    public static IEnumerable<AdviceLine> Advise(MachineReport m)
    {
        var raw = m.Environment.GetValueOrDefault(Variable);
        var set = !string.IsNullOrWhiteSpace(raw);
        GfxTarget overrideTarget = default;
        if (set && !GfxTarget.TryParseOverride(raw, out overrideTarget))
        {
            yield return new AdviceLine("override.malformed", AdviceSeverity.Warning,
                $"{Variable}={raw} is malformed: fix or unset it",
                "the runtime expects MAJOR.MINOR.STEPPING in decimal, e.g. 10.3.0 or 11.0.0");
            set = false;
        }

        if (m.AmdGpus.Count == 0)
        {
            if (set)
                yield return new AdviceLine("override.no-amd-gpu", AdviceSeverity.Warning,
                    $"{Variable}={raw} has no effect: unset it",
                    "no AMD GPU with a ROCm compute node (/sys/class/kfd) was found");
            foreach (var card in m.AmdCardsWithoutCompute)
                yield return new AdviceLine("rocm.no-compute-node", AdviceSeverity.Info,
                    $"AMD {card} has no ROCm compute node: use the Vulkan engine for it",
                    "the amdgpu driver exposes no KFD topology node for it (compute disabled or GPU too old)");
            yield break;
        }

        var rocm = m.Rocm;
        if (rocm is null)
            yield return new AdviceLine("rocm.missing", AdviceSeverity.Info,
                "ROCm is not installed: the Vulkan engine is the way to use the AMD GPU",
                "neither ROCM_PATH nor /opt/rocm exists");
        else if (!m.HasKfdDevice)
            yield return new AdviceLine("rocm.no-kfd", AdviceSeverity.Warning,
                "/dev/kfd is missing: ROCm cannot reach the GPU (check the amdgpu driver, and that you are in the render group inside containers)",
                $"ROCm {rocm.VersionText ?? "?"} is installed at {rocm.Path} but its compute device node is absent");

        var targets = m.AmdGpus.Select(g => g.Target).Distinct().ToList();
        if (set && targets.Count > 1)
            yield return new AdviceLine("override.mixed-targets", AdviceSeverity.Warning,
                $"{Variable} applies to every GPU, but they differ ({string.Join(", ", targets)}): hide the others with ROCR_VISIBLE_DEVICES",
                "one override makes the runtime load the same code objects on GPUs with different instruction sets");

        var rocmName = rocm?.Version is { } v ? $"ROCm {v}" : rocm is not null ? "this ROCm" : "current ROCm releases";
        foreach (var target in targets)
        {
            var entry = RocmTargetTable.Find(target);
            var ships = RocmTargetTable.ShipsKernels(target, rocm)
                ?? (entry?.KernelsSince is not null ? true : (bool?)null);
            var evidence = rocm is { RocblasTargets.Count: > 0 } ? "its rocBLAS library folder" : "rocBLAS's build targets of that release";

            if (entry is null && ships is null)
            {
                yield return new AdviceLine("rocm.unknown-target", AdviceSeverity.Info,
                    $"{target} is not in Hark's ROCm table: try ROCm without an override; the Vulkan engine works regardless",
                    "no record of which ROCm release ships kernels for it");
                continue;
            }

            if (ships == true)
            {
                if (!set)
                    yield return new AdviceLine("override.not-needed", AdviceSeverity.Info,
                        $"{target}: no {Variable} needed",
                        $"{rocmName} ships {target} kernels (per {evidence})");
                else if (overrideTarget == target)
                    yield return new AdviceLine("override.needless", AdviceSeverity.Warning,
                        $"{Variable}={raw} is needless on {target}: unset it",
                        $"{raw} names {target}, the GPU's own target, so the runtime loads exactly the kernels it would load without it; {rocmName} ships {target} kernels (per {evidence})");
                else
                    yield return new AdviceLine("override.mismatch", AdviceSeverity.Warning,
                        $"{Variable}={raw} makes ROCm run {overrideTarget} code on a {target}: unset it",
                        $"{rocmName} ships {target} kernels (per {evidence}); forcing another target's code objects can crash or compute wrong results");

                if (entry?.OfficialSince is { } official && rocm?.Version is { } installed && installed < official)
                    yield return new AdviceLine("rocm.unofficial", AdviceSeverity.Info,
                        $"{target} is officially supported from ROCm {official}; consider upgrading from {installed}",
                        $"ROCm {installed} ships {target} kernels, but AMD lists {target} as supported only from {official}");
                continue;
            }

            if (entry?.Override is { } needed)
            {
                var why = rocm is { RocblasTargets.Count: > 0 }
                    ? $"{rocmName}'s rocBLAS ships no {target} kernels; {target} runs {needed} code, which it ships"
                    : entry.KernelsSince is null
                        ? $"ROCm ships no {target} kernels ({entry.Products} are not in its support lists); {target} runs {needed} code, which every ROCm release ships"
                        : $"{rocmName} predates {target} kernels (from ROCm {entry.KernelsSince}); {target} runs {needed} code";
                if (!set)
                    yield return rocm is null
                        ? new AdviceLine("override.needed", AdviceSeverity.Info,
                            $"if you install ROCm: export {Variable}={needed.OverrideSpelling} (for {target})", why)
                        : new AdviceLine("override.needed", AdviceSeverity.Recommend,
                            $"export {Variable}={needed.OverrideSpelling} (for {target})", why);
                else if (overrideTarget == needed)
                    yield return new AdviceLine("override.ok", AdviceSeverity.Info,
                        $"{Variable}={raw} is right for {target}", why);
                else
                    yield return new AdviceLine("override.mismatch", AdviceSeverity.Warning,
                        $"{Variable}={raw} is wrong for {target}: use {needed.OverrideSpelling}",
                        why + $"; {raw} names {overrideTarget}, whose code objects do not match {target}");
            }
            else
            {
                yield return new AdviceLine("rocm.unsupported-target", AdviceSeverity.Warning,
                    entry?.KernelsSince is { } since
                        ? $"{target} needs ROCm {since} or later: upgrade ROCm, or use the Vulkan engine"
                        : $"ROCm cannot drive {target}: use the Vulkan engine",
                    $"{rocmName} ships no {target} kernels and no other target's code runs on it");
            }
        }

        // An APU beside a discrete GPU: ROCm enumerates both, and the integrated one has little memory.
        var gpuAgents = m.AmdGpus.ToList();
        if (gpuAgents.Any(g => g.IsApu) && gpuAgents.Any(g => !g.IsApu)
            && !m.Environment.ContainsKey("ROCR_VISIBLE_DEVICES") && !m.Environment.ContainsKey("HIP_VISIBLE_DEVICES"))
        {
            var discrete = string.Join(",", gpuAgents.Select((g, i) => (g, i)).Where(p => !p.g.IsApu).Select(p => p.i));
            yield return new AdviceLine("devices.hide-igpu", AdviceSeverity.Recommend,
                $"export ROCR_VISIBLE_DEVICES={discrete} (the discrete GPU only)",
                "ROCm also enumerates the integrated GPU; libraries may pick it, and it shares the host's memory");
        }
    }
}
