using Hark.Checkpoints;

namespace Hark.Tests.Conversion;

/// <summary>Random-weight checkpoints of real Whisper shapes, with a real tokenizer folder from the fixtures.</summary>
internal static class TestModels
{
    /// <summary>A tokenizer folder whose vocabulary size is <paramref name="vocabSize"/>.</summary>
    public static string TokenizerFolder(int vocabSize) => vocabSize switch
    {
        51866 => Fixtures.Path("hf/ivrit-whisper-large-v3-turbo"),
        _ => Fixtures.Path("hf/whisper-base"),
    };

    /// <summary>The <c>test</c> preset (d=64, 2+2 layers, real vocabulary) with random weights.</summary>
    public static WhisperCheckpoint Random(string preset = "test", DType dtype = DType.F32, ulong seed = 7, GenerationConfig? generation = null)
    {
        var config = WhisperPresets.Get(preset);
        return new WhisperCheckpoint(TokenizerFolder(config.VocabSize), config, new RandomWhisperWeights(config, seed, dtype), generation);
    }

    /// <summary>A checkpoint over explicit in-memory tensors.</summary>
    public static WhisperCheckpoint FromTensors(WhisperConfig config, ITensorSource tensors) =>
        new(TokenizerFolder(config.VocabSize), config, tensors);
}
