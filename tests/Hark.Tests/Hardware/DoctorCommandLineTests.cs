using System.CommandLine;
using Hark.Cli.Commands;
using Hark.Engines;
using Hark.Hardware;

namespace Hark.Tests.Hardware;

/// <summary>What <c>hark doctor</c> recommends must be a command line <c>hark transcribe</c> accepts, on every machine.</summary>
public class DoctorCommandLineTests
{
    [Theory]
    [MemberData(nameof(DoctorScenarios.Names), MemberType = typeof(DoctorScenarios))]
    public void Every_recommended_command_line_is_accepted_by_hark_transcribe(string scenario)
    {
        using var machine = DoctorScenarios.All[scenario]();
        var report = machine.Advise();
        var root = new RootCommand { TranscribeCommand.Create() };
        var fitting = report.Models.Where(m => m.Fits).ToList();
        Assert.NotEmpty(fitting);
        foreach (var model in fitting)
        {
            var args = DoctorCommand.TranscribeArguments(report.Engine, model);
            var parse = root.Parse([.. args]);
            Assert.True(parse.Errors.Count == 0, $"{string.Join(' ', args)}: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
            var request = TranscribeCommand.Read(parse);   // the typed values, through the CLI's own conversions
            Assert.Equal(report.Engine.Engine, request.Model.Engine);
            Assert.Equal(report.Engine.Device, request.Model.Device);
            // The registry has a backend for the pair, and it holds the recommended precision.
            var backend = EngineRegistry.Default.Resolve(request.Model.Engine, request.Model.Device);
            Assert.Null(backend.UnsupportedPrecision(model.Precision));
        }
    }

    [Fact]
    public void A_gpu_recommendation_for_the_managed_engine_names_the_vulkan_device_not_a_vulkan_engine()
    {
        using var machine = DoctorScenarios.Rx7800Xt();
        var report = machine.Advise();
        var args = DoctorCommand.TranscribeArguments(report.Engine, report.Models[0]);
        Assert.Equal(["--engine", "managed", "--device", "vulkan"], args.Skip(4).Take(4));
        Assert.Contains("float16", args);
    }
}
