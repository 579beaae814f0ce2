using System.CommandLine;

namespace Hark.Cli.Commands;

/// <summary>Every <c>hark</c> verb, in the order <c>--help</c> lists them. One file per verb.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return TranscribeCommand.Create();
        yield return ConvertCommand.Create();
        yield return InspectCommand.Create();
        yield return DoctorCommand.Create();
        yield return BenchCommand.Create();
        yield return CacheCommand.Create();
        yield return ServeCommand.Create();
        yield return WorkerCommand.Create();
        yield return JobsCommand.Create();
        yield return DevCommand.Create();
    }
}
