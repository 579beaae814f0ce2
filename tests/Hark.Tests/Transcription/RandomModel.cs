using Hark.Checkpoints;
using Hark.Decoding;
using Hark.Engines;
using Hark.Tokenization;
using Hark.Transcription;

namespace Hark.Tests.Transcription;

/// <summary>A <c>test</c>-preset model with deterministic random weights and whisper-base's real tokenizer.</summary>
internal static class RandomModel
{
    private static readonly Lazy<WhisperTokenizer> Tokenizer = new(() => WhisperTokenizer.FromFolder(Fixtures.Path("hf/whisper-base")));

    public static WhisperModel Create(int threads = 1, ulong seed = 7)
    {
        var config = WhisperPresets.Get("test");
        var engine = ManagedEngine.Load(config, new RandomWhisperWeights(config, seed), new ManagedEngineOptions { Threads = threads });
        return new WhisperModel(engine, Tokenizer.Value);   // the public constructor a library user has
    }

    /// <summary>openai's padded features of <c>espeak/longform.wav</c> (reference fixture, 80 × 13685).</summary>
    public static MelFeatures LongformMel()
    {
        var bytes = File.ReadAllBytes(Fixtures.Path("reference/longform.mel80.f32"));
        var data = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, data, 0, bytes.Length);
        return new MelFeatures(data, 80, data.Length / 80);
    }
}
