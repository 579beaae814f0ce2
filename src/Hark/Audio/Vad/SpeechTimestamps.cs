namespace Hark.Audio.Vad;

/// <summary>
/// Turns per-frame speech probabilities into speech chunks: Silero VAD's <c>get_speech_timestamps</c> rules as
/// faster-whisper applies them (hysteresis between <see cref="VadOptions.Threshold"/> and the negative threshold,
/// chunks ended by <see cref="VadOptions.MinSilenceDurationMs"/> of silence, overlong speech split at its last silence
/// of more than 98 ms, short chunks dropped, padding shared between close neighbours and clipped at the audio's ends).
/// A pure function of its inputs.
/// </summary>
public static class SpeechTimestamps
{
    /// <summary>Samples per probability frame at 16 kHz.</summary>
    public const int FrameSamples = 512;

    /// <summary>A silence longer than this (in samples, 98 ms) is a place where overlong speech may be split.</summary>
    private const double SplitSilenceSamples = AudioConstants.SampleRate * 98 / 1000.0;

    /// <summary>Speech chunks of a recording of <paramref name="audioSamples"/> samples whose frame <c>i</c> (samples
    /// <c>512·i</c> to <c>512·(i+1)</c>) has speech probability <paramref name="probabilities"/>[i].</summary>
    /// <exception cref="HarkInputException">An option is out of range.</exception>
    public static IReadOnlyList<SpeechChunk> Find(ReadOnlySpan<float> probabilities, long audioSamples, VadOptions? options = null)
    {
        options ??= new VadOptions();
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(audioSamples);
        const int sr = AudioConstants.SampleRate;
        // Compared in float32, as numpy compares faster-whisper's float32 probabilities with Python floats.
        var threshold = (float)options.Threshold;
        var negThreshold = (float)options.EffectiveNegThreshold;
        double minSpeech = sr * options.MinSpeechDurationMs / 1000.0;
        double pad = sr * options.SpeechPadMs / 1000.0;
        var maxSpeech = sr * options.MaxSpeechDurationS - FrameSamples - 2 * pad;
        double minSilence = sr * options.MinSilenceDurationMs / 1000.0;

        var speeches = new List<(long Start, long End)>();
        var triggered = false;
        long start = -1; // start of the current chunk; -1 = none open
        // 0 means "not set" for the three markers below, as in the reference (no marker can be at sample 0).
        long tempEnd = 0, prevEnd = 0, nextStart = 0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var prob = probabilities[i];
            var sample = (long)FrameSamples * i;
            if (prob >= threshold && tempEnd != 0)
            {
                tempEnd = 0;
                if (nextStart < prevEnd) nextStart = sample;
            }
            if (prob >= threshold && !triggered)
            {
                triggered = true;
                start = sample;
                continue;
            }
            if (triggered && sample - start > maxSpeech)
            {
                if (prevEnd != 0)
                {
                    // Split at the last silence > 98 ms; carry on from where speech resumed, if it did.
                    speeches.Add((start, prevEnd));
                    start = -1;
                    if (nextStart < prevEnd) triggered = false;
                    else start = nextStart;
                    prevEnd = nextStart = tempEnd = 0;
                }
                else
                {
                    speeches.Add((start, sample)); // no silence to split at: cut here
                    start = -1;
                    prevEnd = nextStart = tempEnd = 0;
                    triggered = false;
                    continue;
                }
            }
            if (prob < negThreshold && triggered)
            {
                if (tempEnd == 0) tempEnd = sample;
                if (sample - tempEnd > SplitSilenceSamples) prevEnd = tempEnd;
                if (sample - tempEnd < minSilence) continue;
                if (tempEnd - start > minSpeech) speeches.Add((start, tempEnd));
                start = -1;
                prevEnd = nextStart = tempEnd = 0;
                triggered = false;
            }
        }
        if (start >= 0 && audioSamples - start > minSpeech) speeches.Add((start, audioSamples));
        return Pad(speeches, audioSamples, pad);
    }

    /// <summary>Widens each chunk by <paramref name="pad"/> samples; neighbours closer than two pads split the gap.</summary>
    private static SpeechChunk[] Pad(List<(long Start, long End)> speeches, long audioSamples, double pad)
    {
        var s = speeches.ToArray();
        for (var i = 0; i < s.Length; i++)
        {
            if (i == 0) s[i].Start = (long)Math.Max(0, s[i].Start - pad);
            if (i != s.Length - 1)
            {
                var silence = s[i + 1].Start - s[i].End;
                if (silence < 2 * pad)
                {
                    s[i].End += silence / 2; // chunks are ordered, so the gap is never negative
                    s[i + 1].Start = Math.Max(0, s[i + 1].Start - silence / 2);
                }
                else
                {
                    s[i].End = (long)Math.Min(audioSamples, s[i].End + pad);
                    s[i + 1].Start = (long)Math.Max(0, s[i + 1].Start - pad);
                }
            }
            else
            {
                s[i].End = (long)Math.Min(audioSamples, s[i].End + pad);
            }
        }
        return [.. s.Select(c => new SpeechChunk(c.Start, c.End))];
    }
}
