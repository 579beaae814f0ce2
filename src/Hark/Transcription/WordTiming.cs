namespace Hark.Transcription;

/// <summary>One word with its time in the recording (openai-whisper's <c>segment["words"]</c> entry).</summary>
/// <param name="Word">The word as decoded, with its leading space and merged punctuation (<c>" Hello,"</c>).</param>
/// <param name="Start">Start in seconds, rounded to 10 ms.</param>
/// <param name="End">End in seconds, rounded to 10 ms.</param>
/// <param name="Probability">Mean probability of the word's tokens in the alignment pass.</param>
public sealed record WordTiming(string Word, double Start, double End, double Probability);
