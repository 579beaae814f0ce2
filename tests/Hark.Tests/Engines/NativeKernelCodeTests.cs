using System.Diagnostics;
using Hark.Engines.Cpu.Native;

namespace Hark.Tests.Engines;

/// <summary>
/// The committed machine code of the native micro-kernels is what their assembly sources assemble to, and what the
/// library embeds. The assembler check needs GNU binutils (<c>as</c>, <c>objcopy</c>) and is skipped, saying so,
/// without them.
/// </summary>
public sealed class NativeKernelCodeTests
{
    public static TheoryData<string> Kernels => new() { "vnni_u8s8_6x64", "bf16_6x64" };

    private static string Folder => Path.Combine(Fixtures.RepoRoot, "src", "Hark", "Engines", "Cpu", "Native");

    [Theory]
    [MemberData(nameof(Kernels))]
    public void The_library_embeds_the_committed_machine_code(string kernel) =>
        Assert.Equal(File.ReadAllBytes(Path.Combine(Folder, kernel + ".bin")), NativeKernels.Resource(kernel));

    [BinutilsTheory]
    [MemberData(nameof(Kernels))]
    public void The_committed_machine_code_is_what_the_source_assembles_to(string kernel)
    {
        using var temp = Fixtures.TempDir();
        var obj = temp.File(kernel + ".o");
        var bin = temp.File(kernel + ".bin");
        Run("as", Path.Combine(Folder, kernel + ".s"), "-o", obj);
        Run("objcopy", "-O", "binary", "-j", ".text", obj, bin);
        Assert.True(File.ReadAllBytes(bin).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(Folder, kernel + ".bin"))),
            $"{kernel}.bin is stale: reassemble it as the header of {kernel}.s says");
    }

    private static void Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} failed: {errors}");
    }

    /// <summary>A theory that needs GNU as and objcopy on PATH; skipped visibly without them.</summary>
    [AttributeUsage(AttributeTargets.Method)]
    private sealed class BinutilsTheoryAttribute : TheoryAttribute
    {
        public BinutilsTheoryAttribute()
        {
            if (!OnPath("as") || !OnPath("objcopy")) Skip = "GNU binutils (as, objcopy) not on PATH: the committed kernels were not reassembled";
        }

        private static bool OnPath(string tool) =>
            (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Any(dir => File.Exists(Path.Combine(dir, tool)));
    }
}
