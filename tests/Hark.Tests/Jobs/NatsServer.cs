using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Hark.Tests.Jobs;

/// <summary>
/// A real <c>nats-server -js</c> on a free local port with its store in a given folder, stopped by its process id.
/// It can be stopped and started again on the same port and store, as an operator restarting it would.
/// </summary>
internal sealed class NatsServer : IAsyncDisposable
{
    private static readonly Lazy<string?> Executable = new(() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin") // the Debian package's folder, not on every user's PATH
            .Select(d => Path.Combine(d, "nats-server"))
            .FirstOrDefault(File.Exists));

    private readonly string _storeDir;
    private Process? _process;

    private NatsServer(string storeDir, int port)
    {
        _storeDir = storeDir;
        Port = port;
    }

    /// <summary>Why the tests cannot start a server here, or null when they can.</summary>
    public static string? Unavailable => Executable.Value is null ? "nats-server is not on PATH (Debian package nats-server; .ci/run installs it)" : null;

    public int Port { get; }

    public string Url => $"nats://127.0.0.1:{Port}";

    /// <summary>The running server's process id.</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("not running");

    public static async Task<NatsServer> StartAsync(string storeDir)
    {
        var server = new NatsServer(storeDir, FreePort());
        await server.StartAsync().ConfigureAwait(false);
        return server;
    }

    /// <summary>Stops the server by its process id (SIGTERM, as an operator would), waiting for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process) return;
        _process = null;
        if (!process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                await kill.WaitForExitAsync().ConfigureAwait(false);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
            }
        }
        process.Dispose();
    }

    /// <summary>Stops it and starts it again on the same port with the same store.</summary>
    public async Task RestartAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await StartAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private async Task StartAsync()
    {
        var start = new ProcessStartInfo(Executable.Value ?? throw new InvalidOperationException(Unavailable))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-js", "-a", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-sd", _storeDir })
            start.ArgumentList.Add(a);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Text.StringBuilder();
        var process = new Process { StartInfo = start };
        DataReceivedEventHandler onLine = (_, e) =>
        {
            if (e.Data is null) return;
            lock (log) log.AppendLine(e.Data);
            if (e.Data.Contains("Server is ready", StringComparison.Ordinal)) ready.TrySetResult();
        };
        process.ErrorDataReceived += onLine;
        process.OutputDataReceived += onLine;
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process = process;
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(30))).ConfigureAwait(false);
        if (first != ready.Task)
        {
            lock (log) throw new InvalidOperationException("nats-server did not start: " + log);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A fact that needs <c>nats-server</c>; skipped, with the reason, where it is not installed.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NatsFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when nats-server is missing.</summary>
    public NatsFactAttribute()
    {
        if (NatsServer.Unavailable is { } reason) Skip = reason;
    }
}
