namespace Hark.Decoding;

/// <summary>What the decoder is asked to produce.</summary>
public enum WhisperTask
{
    /// <summary>Speech to text in the spoken language (<c>&lt;|transcribe|&gt;</c>).</summary>
    Transcribe,
    /// <summary>Speech to English text (<c>&lt;|translate|&gt;</c>).</summary>
    Translate,
}
