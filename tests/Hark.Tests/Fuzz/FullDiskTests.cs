using System.Diagnostics;

namespace Hark.Tests.Fuzz;

/// <summary>A full disk is an environment failure: one line, exit 1, nothing left behind.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class FullDiskTests
{
    [TmpfsFact]
    public async Task Converting_onto_a_full_disk_fails_in_one_line_and_leaves_nothing()
    {
        using var disk = new SmallDisk();
        foreach (var (target, output) in new[] { ("ggml", "m.bin"), ("ct2", "m-ct2"), ("onnx", "m-onnx") })
        {
            var (code, stderr, _) = await HostileKit.RunAsync("convert", FuzzSeeds.Get.Hf, "--to", target, "-o", Path.Combine(disk.Path, output));
            Assert.Equal(1, code);
            HostileKit.AssertOneCleanLine(stderr, target);
            Assert.Empty(Directory.EnumerateFileSystemEntries(disk.Path));
        }
    }

    [TmpfsFact]
    public async Task Writing_a_transcript_onto_a_full_disk_fails_in_one_line()
    {
        using var disk = new SmallDisk();
        disk.Fill();
        // A few greedy tokens are enough: the point is the write, not the decoding.
        var (code, stderr, _) = await HostileKit.RunAsync("transcribe", FuzzSeeds.Get.WavInt16, "--model", FuzzSeeds.Get.Hf, "--output-dir", disk.Path,
            "--language", "en", "--temperature", "0", "--beam-size", "1", "--max-new-tokens", "4", "--without-timestamps");
        Assert.Equal(1, code);
        HostileKit.AssertOneCleanLine(stderr, "transcribe");
        Assert.Contains("space", stderr, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A 1 MiB tmpfs mounted for the test (needs root), unmounted on dispose.</summary>
    private sealed class SmallDisk : IDisposable
    {
        public SmallDisk()
        {
            Path = Directory.CreateTempSubdirectory("hark-full-disk-").FullName;
            Assert.Equal(0, Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", Path));
        }

        public string Path { get; }

        /// <summary>Fills the disk to the last byte.</summary>
        public void Fill()
        {
            using var f = new FileStream(System.IO.Path.Combine(Path, "filler"), FileMode.Create);
            var block = new byte[4096];
            try
            {
                while (true) f.Write(block);
            }
            catch (IOException)
            {
                // Full.
            }
        }

        public void Dispose()
        {
            Run("umount", Path);
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
        }

        public static int Run(string file, params string[] args)
        {
            try
            {
                using var p = Process.Start(new ProcessStartInfo(file, args) { UseShellExecute = false, RedirectStandardError = true })!;
                p.WaitForExit();
                return p.ExitCode;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return -1;
            }
        }
    }
}

/// <summary>A fact that needs to mount a small tmpfs (root on Linux); skipped visibly elsewhere.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TmpfsFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Unavailable = new(Probe);

    /// <summary>Sets <see cref="FactAttribute.Skip"/> when a tmpfs cannot be mounted here.</summary>
    public TmpfsFactAttribute()
    {
        if (Unavailable.Value is { } reason) Skip = reason;
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux()) return "needs Linux tmpfs";
        var dir = Directory.CreateTempSubdirectory("hark-tmpfs-probe-").FullName;
        try
        {
            var mounted = Run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir) == 0;
            if (mounted) Run("umount", dir);
            return mounted ? null : "cannot mount a tmpfs here (needs root)";
        }
        finally
        {
            try { Directory.Delete(dir); } catch (IOException) { }
        }
    }

    private static int Run(string file, params string[] args)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(file, args) { UseShellExecute = false, RedirectStandardError = true })!;
            p.WaitForExit();
            return p.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
