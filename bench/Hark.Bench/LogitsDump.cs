using System.Globalization;
using System.Runtime.InteropServices;
using Hark.Audio;
using Hark.Checkpoints;
using Hark.Engines;
using Hark.Tokenization;

namespace Hark.Bench;

/// <summary>
/// <c>logits</c>: cross-checks against another Whisper runtime. <c>--dump</c> writes what Hark's managed engine computes
/// for one window (mel features, encoder output, greedy logits after a previous-text + SOT prompt) as raw float32 files;
/// <c>--compare</c> reads the other runtime's files (<c>other_logits.bin</c>, and <c>other_encoder.bin</c> where it can
/// write one) from the same folder and prints how far they are from Hark's.
/// Options: <c>--model DIR --audio WAV --out DIR --steps 8 --precision float32</c>. See bench/interop/ctranslate2.
/// </summary>
internal static class LogitsDump
{
    public static void Register() =>
        BenchMain.Register("logits", "dump Hark's encoder output and greedy logits for one window, or compare another runtime's (--dump | --compare)", RunAsync);

    private static Task<int> RunAsync(string[] args)
    {
        string Get(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        var dir = Get("--out", "artifacts/interop");
        return Task.FromResult(args.Contains("--compare")
            ? Compare(dir)
            : Dump(Get("--model", ""), Get("--audio", ""), dir, int.Parse(Get("--steps", "8"), CultureInfo.InvariantCulture),
                   Enum.Parse<ComputePrecision>(Get("--precision", "float32"), ignoreCase: true)));
    }

    private static int Dump(string model, string audioPath, string dir, int steps, ComputePrecision precision)
    {
        Directory.CreateDirectory(dir);
        using var checkpoint = WhisperCheckpoint.Open(model);
        var config = checkpoint.Config;
        var mel = LogMel.ComputeWindow(AudioLoader.Load(audioPath), config.NumMelBins);
        Write(dir, "mel.bin", mel.Data);
        using var engine = ManagedEngine.Load(config, checkpoint.Tensors, new ManagedEngineOptions { Precision = precision });
        using var audio = engine.Encode(mel.Data, 1);
        var states = new float[config.MaxSourcePositions * config.DModel];
        audio.CopyTo(0, states);
        Write(dir, "hark_encoder.bin", states);

        var special = SpecialTokens.ForVocabSize(config.VocabSize);
        // Previous text after <|startofprev|> (varied ids, so self-attention sees distinct tokens), then the SOT
        // sequence for English transcription without timestamps (+ 1: <|en|>).
        int[] prompt = [special.StartOfPrev, .. Enumerable.Range(1, 12).Select(i => i * 3_571 % 50_000),
                        special.StartOfTranscript, special.StartOfTranscript + 1, special.Transcribe, special.NoTimestamps];
        using var session = engine.StartDecoder(audio, [0]);
        var logits = new float[config.VocabSize];
        var all = new float[steps * config.VocabSize];
        var tokens = new int[steps];
        session.Step(prompt, prompt.Length, logits);
        for (var s = 0; s < steps; s++)
        {
            logits.CopyTo(all, s * config.VocabSize);
            tokens[s] = ArgMax(logits);
            if (s + 1 < steps) session.Step([tokens[s]], 1, logits);
        }
        Write(dir, "hark_logits.bin", all);
        File.WriteAllText(Path.Combine(dir, "prompt.txt"), string.Join(",", prompt));
        File.WriteAllText(Path.Combine(dir, "vocab.txt"), config.VocabSize.ToString(CultureInfo.InvariantCulture));
        Console.WriteLine($"prompt {string.Join(",", prompt)}; hark greedy tokens {string.Join(" ", tokens)}; vocab {config.VocabSize}, n_mels {config.NumMelBins}");
        return 0;
    }

    private static int Compare(string dir)
    {
        var logits = Read(dir, "hark_logits.bin");
        var otherLogits = Read(dir, "other_logits.bin");
        // Runtimes whose API exposes no encoder output (whisper.cpp) write logits only.
        if (File.Exists(Path.Combine(dir, "other_encoder.bin")))
        {
            var (encoder, otherEncoder) = (Read(dir, "hark_encoder.bin"), Read(dir, "other_encoder.bin"));
            if (encoder.Length != otherEncoder.Length)
            {
                Console.Error.WriteLine($"encoder outputs differ in size: Hark {encoder.Length} values, other {otherEncoder.Length}");
                return 1;
            }
            Console.WriteLine($"encoder output: max|Δ| / max|x| = {Relative(encoder, otherEncoder):E2}");
        }
        var vocab = int.Parse(File.ReadAllText(Path.Combine(dir, "vocab.txt")).Trim(), CultureInfo.InvariantCulture);
        var steps = Math.Min(logits.Length, otherLogits.Length) / vocab;
        var argmaxEqual = Enumerable.Range(0, steps).All(i => ArgMax(logits.AsSpan(i * vocab, vocab)) == ArgMax(otherLogits.AsSpan(i * vocab, vocab)));
        Console.WriteLine($"logits over {steps} greedy steps: max|Δ| / max|x| = {Relative(logits.AsSpan(0, steps * vocab), otherLogits.AsSpan(0, steps * vocab)):E2}; same argmax at every step: {argmaxEqual}");
        return argmaxEqual ? 0 : 1;
    }

    private static double Relative(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        double diff = 0, max = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            diff = Math.Max(diff, Math.Abs(expected[i] - actual[i]));
            max = Math.Max(max, Math.Abs(expected[i]));
        }
        return max == 0 ? diff : diff / max;
    }

    private static int ArgMax(ReadOnlySpan<float> x)
    {
        var best = 0;
        for (var i = 1; i < x.Length; i++) if (x[i] > x[best]) best = i;
        return best;
    }

    private static void Write(string dir, string name, float[] values) =>
        File.WriteAllBytes(Path.Combine(dir, name), MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    private static float[] Read(string dir, string name) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(dir, name))).ToArray();
}
