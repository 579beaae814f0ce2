namespace Hark.Audio;

/// <summary>
/// A non-WAV input needs the <c>ffmpeg</c> program and it is not installed (or not where it was said to be).
/// WAV files never need it.
/// </summary>
public sealed class FfmpegNotFoundException : HarkException
{
    /// <summary>Creates the error for an input that needed ffmpeg.</summary>
    /// <param name="input">The file that needed decoding.</param>
    /// <param name="searched">Where ffmpeg was looked for (an explicit path, or "PATH").</param>
    public FfmpegNotFoundException(string input, string searched)
        : base($"{input}: decoding this format needs the 'ffmpeg' program, which was not found ({searched}); " +
               "install it (Debian/Ubuntu: 'apt-get install ffmpeg', macOS: 'brew install ffmpeg') or convert the file to WAV")
    {
        Input = input;
    }

    /// <summary>The input that needed ffmpeg.</summary>
    public string Input { get; }
}
