using System.CommandLine;
using System.Diagnostics;
using Hark.Engines;
using Hark.Engines.Cpu;
using Hark.Hardware;
using Spectre.Console;

namespace Hark.Cli.Commands;

/// <summary><c>hark doctor</c>: reads the machine and says, with reasons, which engine, device, compute type and batch size to use.</summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the report as JSON (schema: docs/doctor-schema.json)." };
        var root = new Option<DirectoryInfo?>("--sysfs-root")
        {
            Description = "Read /sys, /proc, /dev and /opt/rocm under this folder instead of the machine's own (tests, support tickets).",
        };
        var command = new Command("doctor", "Detect CPU, GPUs, ROCm/CUDA/Vulkan and recommend engine, device, compute type and batch size.")
        {
            json, root,
        };
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(root);
            if (dir is not null && !dir.Exists)
                throw new HarkInputException("folder does not exist", dir.FullName, "--sysfs-root");
            var report = Run(dir?.FullName);
            if (parse.GetValue(json)) Console.Out.WriteLine(DoctorJson.Serialize(report));
            else Print(report, AnsiConsole.Console);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Detects and advises; the environment and ONNX Runtime are the process's own unless the machine is replayed.</summary>
    internal static DoctorReport Run(string? sysfsRoot, IReadOnlyDictionary<string, string>? environment = null)
    {
        var options = new HardwareProbeOptions
        {
            FileSystem = sysfsRoot is null ? SysfsRoot.Host : new SysfsRoot(sysfsRoot),
            Environment = environment,
        };
        return DoctorAdvisor.Advise(HardwareDetector.Detect(options));
    }

    internal static void Print(DoctorReport report, IAnsiConsole console)
    {
        var m = report.Machine;
        var machine = new Table().Border(TableBorder.Rounded).AddColumn("Machine").AddColumn("Detected");
        machine.AddRow("Platform", Markup.Escape(m.Platform));
        machine.AddRow("CPU", Markup.Escape($"{m.Cpu.Model} ({m.Cpu.Vendor}), {m.Cpu.PhysicalCores?.ToString() ?? "?"} cores / {m.Cpu.LogicalCores} threads"));
        machine.AddRow("CPU features", Markup.Escape(m.Cpu.FeatureNames.Count > 0 ? string.Join(" ", m.Cpu.FeatureNames) : "none of interest"));
        machine.AddRow("Memory", m.Memory is null ? "not detected" : $"{MemoryModel.FormatBytes(m.Memory.AvailableBytes)} available of {MemoryModel.FormatBytes(m.Memory.TotalBytes)}");
        foreach (var g in m.AmdGpus)
            machine.AddRow($"AMD GPU {g.NodeId}", Markup.Escape(
                $"{g.Name}, {g.Target}, {g.ComputeUnits} CUs, VRAM {Bytes(g.VramTotalBytes)} (used {Bytes(g.VramUsedBytes)}){(g.IsApu ? ", integrated" : "")}"));
        if (m.AmdGpus.Count == 0) machine.AddRow("AMD GPU", "not detected");
        machine.AddRow("ROCm", Markup.Escape(m.Rocm is null
            ? "not detected"
            : $"{m.Rocm.VersionText ?? "version unknown"} at {m.Rocm.Path}; HIP {(m.Rocm.HasHipRuntime ? "yes" : "no")}, MIGraphX {(m.Rocm.HasMigraphx ? "yes" : "no")}, /dev/kfd {(m.HasKfdDevice ? "yes" : "no")}"));
        foreach (var g in m.NvidiaGpus)
            machine.AddRow($"NVIDIA GPU {g.Index}", Markup.Escape($"{g.Name}, memory {Bytes(g.MemoryTotalBytes)} (used {Bytes(g.MemoryUsedBytes)})"));
        if (m.NvidiaGpus.Count == 0) machine.AddRow("NVIDIA GPU", "not detected");
        machine.AddRow("Vulkan drivers", Markup.Escape(m.VulkanDrivers.Count == 0 ? "none" : string.Join(", ", m.VulkanDrivers.Select(d => Path.GetFileName(d.ManifestPath)))));
        foreach (var d in m.VulkanDevices)
        {
            var caps = $"{d.Type}, {d.Driver}, {d.DeviceLocalBytes / (1024.0 * 1024 * 1024):F1} GiB, subgroup {d.SubgroupSize}, " +
                       $"fp16 {(d.Float16 ? "yes" : "no")}, int8 {(d.Int8 ? "yes" : "no")}, cooperative matrix {(d.CooperativeMatrix ? "yes" : "no")}" +
                       (d.Usable ? "" : $" — unusable: {d.Problem}");
            machine.AddRow($"vulkan:{d.Index}", Markup.Escape($"{d.Name} ({caps})"));
        }
        machine.AddRow("ONNX Runtime", Markup.Escape(m.OnnxProviders is null ? "not detected" : string.Join(", ", m.OnnxProviders)));
        foreach (var (k, v) in m.Environment) machine.AddRow(Markup.Escape(k), Markup.Escape(v));
        console.Write(machine);
        // Which kernel each CPU compute type runs in this process (the instructions .NET exposes here).
        foreach (var p in new[] { ComputePrecision.Float32, ComputePrecision.Float16, ComputePrecision.BFloat16, ComputePrecision.Int8 })
            console.MarkupLine($"[bold]CPU kernel[/] {DoctorJson.ComputeTypeName(p)}: {Markup.Escape(Int8KernelSelection.Describe(p))}");

        var e = report.Engine;
        console.MarkupLine($"[bold]Engine:[/] {Markup.Escape(EngineVocabulary.Name(e.Engine))} on {Markup.Escape(e.Device.ToString())} ({Markup.Escape(e.DeviceName)}){(e.Threads > 0 ? $", {e.Threads} threads" : "")} — {Markup.Escape(e.Reason)}");

        var models = new Table().Border(TableBorder.Rounded).AddColumn("Model").AddColumn("Compute type").AddColumn("Batch")
            .AddColumn("Max batch").AddColumn("Weights").AddColumn("Peak (est.)");
        foreach (var x in report.Models)
            models.AddRow(x.Model, DoctorJson.ComputeTypeName(x.Precision), x.Fits ? x.BatchSize.ToString() : "[red]no fit[/]", x.MaxBatch.ToString(),
                MemoryModel.FormatBytes(x.WeightBytes), MemoryModel.FormatBytes(x.EstimateBytes));
        console.Write(models);
        foreach (var x in report.Models)
        {
            console.MarkupLine($"  [grey]{Markup.Escape(x.Model)}: {Markup.Escape(x.Reason)}[/]");
            if (x.Fits) console.MarkupLine($"    {Markup.Escape(string.Join(' ', TranscribeArguments(e, x).Prepend("hark")))}");
        }

        foreach (var a in report.Advice)
        {
            var tag = a.Severity switch
            {
                AdviceSeverity.Warning => "[yellow]warning[/]",
                AdviceSeverity.Recommend => "[green]do[/]",
                _ => "[grey]note[/]",
            };
            console.MarkupLine($"{tag} {Markup.Escape(a.Message)}");
            console.MarkupLine($"     [grey]because {Markup.Escape(a.Reason)}[/]");
        }
    }

    /// <summary>
    /// The <c>hark transcribe</c> arguments that run <paramref name="model"/> as recommended (<c>AUDIO</c> stands for the
    /// input). An ONNX folder computes in the precision it was exported with, so only the managed engine is told one.
    /// </summary>
    internal static IReadOnlyList<string> TranscribeArguments(EngineRecommendation engine, ModelRecommendation model)
    {
        List<string> args =
        [
            "transcribe", "AUDIO", "--model", model.Model,
            "--engine", EngineVocabulary.Name(engine.Engine), "--device", EngineVocabulary.Name(engine.Device),
        ];
        if (engine.Engine == EngineKind.Managed) args.AddRange(["--compute-type", EngineVocabulary.Name(model.Precision)]);
        if (engine.Threads > 0) args.AddRange(["--threads", engine.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        return args;
    }

    private static string Bytes(long? b) => b is { } v ? MemoryModel.FormatBytes(v) : "?";
}
