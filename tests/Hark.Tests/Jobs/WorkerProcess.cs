using System.Diagnostics;
using System.Text;

namespace Hark.Tests.Jobs;

/// <summary>A <c>hark worker</c> child process (the real executable built beside the tests), its output kept for messages.</summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    public WorkerProcess(string name, string natsUrl, string modelFolder, TimeSpan ackWait)
    {
        Name = name;
        var exe = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "Hark.Cli.exe" : "Hark.Cli");
        var start = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
                 {
                     "worker", "--nats", natsUrl, "--model", modelFolder, "--name", name, "--threads", "1",
                     "--ack-wait", ackWait.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--max-deliver", "5",
                 })
            start.ArgumentList.Add(a);
        _process = new Process { StartInfo = start };
        DataReceivedEventHandler onLine = (_, e) =>
        {
            if (e.Data is null) return;
            lock (_log) _log.AppendLine(e.Data);
        };
        _process.OutputDataReceived += onLine;
        _process.ErrorDataReceived += onLine;
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>kill -9: the process dies at once, holding whatever it holds.</summary>
    public void KillHard()
    {
        _process.Kill(); // SIGKILL on Unix
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited) KillHard();
        _process.Dispose();
    }
}
