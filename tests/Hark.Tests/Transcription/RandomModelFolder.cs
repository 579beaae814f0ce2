using Hark.Checkpoints;

namespace Hark.Tests.Transcription;

/// <summary>
/// A model folder on disk as a user would have it: <c>config.json</c>, <c>model.safetensors</c> with the
/// <c>test</c> preset's random weights, and whisper-base's tokenizer files. Shared by the CLI tests of a class.
/// </summary>
public sealed class RandomModelFolder : IDisposable
{
    private static readonly string[] TokenizerFiles =
        ["vocab.json", "merges.txt", "added_tokens.json", "tokenizer_config.json", "special_tokens_map.json", "preprocessor_config.json"];

    private readonly TempDir _dir = Fixtures.TempDir();

    /// <summary>Writes a random-weight model of the tiny <c>test</c> dimensions (also an xunit class fixture).</summary>
    public RandomModelFolder() : this("test") { }

    /// <summary>Writes a random-weight model of <paramref name="preset"/>.</summary>
    internal RandomModelFolder(string preset)
    {
        var config = WhisperPresets.Get(preset);
        WhisperConfigFile.Write(Path.Combine(_dir.FullName, "config.json"), config);
        using var weights = new RandomWhisperWeights(config, 7);
        SafetensorsWriter.Write(Path.Combine(_dir.FullName, WhisperCheckpoint.SafetensorsFileName), weights);
        foreach (var file in TokenizerFiles)
        {
            var source = Fixtures.Path(Path.Combine("hf", "whisper-base", file));
            if (File.Exists(source)) File.Copy(source, Path.Combine(_dir.FullName, file));
        }
    }

    public string Folder => _dir.FullName;

    public void Dispose() => _dir.Dispose();
}
