using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Hark.Audio;

/// <summary>
/// Decodes anything ffmpeg reads (mp3, flac, ogg, opus, m4a, the audio of mp4/mkv/webm …) by running it exactly as
/// openai-whisper's <c>load_audio</c> does: 16 kHz mono signed 16-bit on stdout, so features match openai's bit for bit.
/// </summary>
internal static class Ffmpeg
{
    /// <summary>Finds the executable: <paramref name="explicitPath"/> if given (it must exist), else <c>ffmpeg</c> on <paramref name="searchPath"/>.</summary>
    /// <exception cref="FfmpegNotFoundException">Not found.</exception>
    public static string Locate(string? explicitPath, string? searchPath, string input)
    {
        if (explicitPath is not null)
            return File.Exists(explicitPath) ? explicitPath : throw new FfmpegNotFoundException(input, $"no file at the configured path '{explicitPath}'");
        var names = OperatingSystem.IsWindows() ? new[] { "ffmpeg.exe" } : new[] { "ffmpeg" };
        foreach (var dir in (searchPath ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in names)
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate)) return candidate;
            }
        }
        throw new FfmpegNotFoundException(input, "searched PATH");
    }

    /// <summary>Starts ffmpeg on <paramref name="path"/>, or on <paramref name="stdin"/> when given (then <paramref name="path"/> only names it).</summary>
    public static IAudioStream Open(string executable, string path, Stream? stdin)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        if (stdin is null) info.ArgumentList.Add("-nostdin");
        foreach (var a in new[] { "-hide_banner", "-loglevel", "error", "-threads", "0", "-i", stdin is null ? path : "pipe:0",
                     "-f", "s16le", "-ac", "1", "-acodec", "pcm_s16le", "-ar", "16000", "pipe:1" })
            info.ArgumentList.Add(a);

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new FfmpegNotFoundException(path, $"'{executable}' did not start");
        }
        catch (Win32Exception ex)
        {
            throw new HarkException($"{path}: could not run ffmpeg at '{executable}': {ex.Message}", ex);
        }
        var run = new FfmpegRun(process, path, stdin);
        return new PcmAudioStream(run, PcmFormat.Whisper, path, dataBytes: null, owner: null);
    }

    /// <summary>ffmpeg's stdout as a stream that, at its end, turns a failed exit into an <see cref="AudioFormatException"/>.</summary>
    private sealed class FfmpegRun : ReadOnlyForwardStream
    {
        private const int StderrKeep = 4096;
        private readonly Process _process;
        private readonly string _path;
        private readonly StringBuilder _stderr = new();
        private readonly Task _stderrPump;
        private readonly Task? _stdinPump;
        private bool _finished;

        public FfmpegRun(Process process, string path, Stream? stdin)
        {
            _process = process;
            _path = path;
            _stderrPump = Task.Run(async () =>
            {
                var buffer = new char[1024];
                int n;
                while ((n = await process.StandardError.ReadAsync(buffer).ConfigureAwait(false)) > 0)
                {
                    lock (_stderr)
                    {
                        _stderr.Append(buffer, 0, n);
                        if (_stderr.Length > StderrKeep) _stderr.Remove(0, _stderr.Length - StderrKeep);
                    }
                }
            });
            if (stdin is not null)
            {
                _stdinPump = Task.Run(async () =>
                {
                    // ffmpeg may stop reading early (bad input): a broken pipe here is reported through its exit code instead.
                    try { await stdin.CopyToAsync(process.StandardInput.BaseStream).ConfigureAwait(false); }
                    catch (IOException) { }
                    catch (ObjectDisposedException) { }
                    finally { try { process.StandardInput.Close(); } catch (IOException) { } }
                });
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_finished) return 0;
            var n = _process.StandardOutput.BaseStream.Read(buffer);
            if (n > 0) return n;
            _finished = true;
            _process.WaitForExit();
            _stderrPump.Wait();
            if (_process.ExitCode != 0)
            {
                string text;
                lock (_stderr) text = _stderr.ToString().Trim();
                var last = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
                throw new AudioFormatException($"ffmpeg could not decode it (exit code {_process.ExitCode}): {last}", _path);
            }
            return 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                try
                {
                    if (!_process.HasExited) _process.Kill(entireProcessTree: true);
                    _process.WaitForExit();
                }
                catch (InvalidOperationException) { }
                _stdinPump?.Wait(TimeSpan.FromSeconds(5));
                _process.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
