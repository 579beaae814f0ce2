using System.Diagnostics;
using System.Globalization;
using Hark.Transcription;

namespace Hark.Cli.Commands;

/// <summary>
/// One self-rewriting status line on stderr (audio time done, speed, ETA), drawn only when stderr is a terminal so
/// that piped and logged runs get nothing but results and notices. Cleared before anything else is printed.
/// </summary>
internal sealed class ProgressLine : IProgress<TranscriptionProgress>
{
    private readonly TextWriter _stderr;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private string _name = "";
    private bool _drawn;

    private ProgressLine(TextWriter stderr) => _stderr = stderr;

    /// <summary>A progress line on the console's stderr, or null when stderr is not a terminal.</summary>
    public static ProgressLine? ForConsole() => Console.IsErrorRedirected ? null : new ProgressLine(Console.Error);

    /// <summary>Starts a new input: <paramref name="name"/> is shown and the speed measured from now.</summary>
    public void Start(string name)
    {
        lock (_gate)
        {
            _name = name;
            _clock.Restart();
            Draw($"{_name}: loading audio…");
        }
    }

    /// <summary>Shows a status such as "loading model…".</summary>
    public void Status(string text)
    {
        lock (_gate) Draw(text);
    }

    /// <inheritdoc />
    public void Report(TranscriptionProgress value)
    {
        lock (_gate)
        {
            var elapsed = Math.Max(_clock.Elapsed.TotalSeconds, 1e-3);
            var speed = value.Seconds / elapsed;
            var eta = speed > 0 ? TimeSpan.FromSeconds(Math.Max(value.Duration - value.Seconds, 0) / speed) : (TimeSpan?)null;
            var percent = value.Duration > 0 ? 100 * value.Seconds / value.Duration : 100;
            Draw(string.Create(CultureInfo.InvariantCulture,
                $"{_name}: {Clock(value.Seconds)} / {Clock(value.Duration)} ({percent:0}%), {speed:0.0}x real time, ETA {(eta is { } e ? Clock(e.TotalSeconds) : "?")}"));
        }
    }

    /// <summary>Erases the line so that the next output starts at column 0.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            if (!_drawn) return;
            _stderr.Write("\r\u001b[K");
            _stderr.Flush();
            _drawn = false;
        }
    }

    private void Draw(string text)
    {
        var width = Console.IsErrorRedirected ? 0 : SafeWidth();
        if (width > 1 && text.Length >= width) text = text[..(width - 1)];
        _stderr.Write("\r\u001b[K" + text);
        _stderr.Flush();
        _drawn = true;
    }

    private static int SafeWidth()
    {
        try
        {
            return Console.WindowWidth;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static string Clock(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Max(seconds, 0));
        return t.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes}:{t.Seconds:00}");
    }
}
