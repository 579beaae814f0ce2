using System.CommandLine;
using Hark.Cli;
using Hark.Cli.Commands;

namespace Hark.Tests.Hardware;

public class DoctorCommandTests
{
    [Fact]
    public async Task A_missing_sysfs_root_exits_2_naming_the_folder()
    {
        var root = new RootCommand { DoctorCommand.Create() };
        var missing = Path.Combine(Path.GetTempPath(), "hark-no-such-" + Guid.NewGuid().ToString("N"));
        using var err = new StringWriter();
        var code = await CliHost.RunAsync(root, ["doctor", "--sysfs-root", missing], err);
        Assert.Equal(2, code);
        Assert.Contains(missing, err.ToString());
        Assert.Contains("--sysfs-root", err.ToString());
    }

    [Fact]
    public void A_replayed_machine_reads_only_under_its_root()
    {
        using var m = new FakeMachine().AmdGpu(100301, 80, 2, 0x73df, 12L << 30, 0);
        var report = DoctorCommand.Run(m.Root, new Dictionary<string, string>());
        Assert.Equal("gfx1031", Assert.Single(report.Machine.AmdGpus).Target.Name);
        Assert.Equal("linux-replayed", report.Machine.Platform);
        Assert.Null(report.Machine.OnnxProviders);
    }

    [Fact]
    public void The_text_report_names_the_engine_and_every_advice_reason()
    {
        using var m = new FakeMachine().AmdGpu(100301, 80, 2, 0x73df, 12L << 30, 0);
        var report = DoctorCommand.Run(m.Root, new Dictionary<string, string>());
        using var writer = new StringWriter();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Out = new Spectre.Console.AnsiConsoleOutput(writer),
            Ansi = Spectre.Console.AnsiSupport.No,
            ColorSystem = Spectre.Console.ColorSystemSupport.NoColors,
        });
        DoctorCommand.Print(report, console);
        var text = writer.ToString();
        Assert.Contains("export HSA_OVERRIDE_GFX_VERSION=10.3.0", text);
        Assert.Contains("gfx1031", text);
        Assert.Contains("large-v3", text);
        Assert.Contains($"int8: {Hark.Engines.Cpu.Int8KernelSelection.Describe(Hark.Engines.ComputePrecision.Int8)}", text);
        Assert.Equal(report.Advice.Count, text.Split("because ").Length - 1);
    }
}
