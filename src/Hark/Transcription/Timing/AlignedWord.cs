namespace Hark.Transcription.Timing;

/// <summary>A word of one window's alignment (openai's <c>WordTiming</c>), mutable while boundaries are adjusted and
/// punctuation merged. Times are seconds from the window's start.</summary>
internal sealed class AlignedWord(string word, List<int> tokens, double start, double end, double probability)
{
    public string Word { get; set; } = word;

    public List<int> Tokens { get; set; } = tokens;

    public double Start { get; set; } = start;

    public double End { get; set; } = end;

    public double Probability { get; } = probability;
}
