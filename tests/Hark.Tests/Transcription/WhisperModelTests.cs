using Hark.Engines;
using Hark.Transcription;

namespace Hark.Tests.Transcription;

public class WhisperModelTests(RandomModelFolder folder) : IClassFixture<RandomModelFolder>
{
    private static readonly TranscriptionOptions Fast = new()
    {
        Language = "en", BeamSize = null, Temperatures = [0f], MaxNewTokens = 8, ClipTimestamps = [0, 30],
    };

    [Fact]
    public async Task A_loaded_model_folder_transcribes_like_the_in_memory_model()
    {
        await using var loaded = await WhisperModel.LoadAsync(folder.Folder, new ModelOptions { Threads = 1 });
        using var memory = RandomModel.Create();
        var mel = RandomModel.LongformMel();
        var (_, a) = await RandomModelTranscriptionTests.Run(loaded, mel, Fast);
        var (_, b) = await RandomModelTranscriptionTests.Run(memory, mel, Fast);
        Assert.Equal(b.SelectMany(s => s.Tokens), a.SelectMany(s => s.Tokens));
        Assert.Equal("managed", loaded.Engine.Description.Name);
    }

    [Fact]
    public async Task Missing_model_folder_is_an_input_error_naming_it()
    {
        var missing = Path.Combine(folder.Folder, "does-not-exist");
        var ex = await Assert.ThrowsAsync<HarkInputException>(() => WhisperModel.LoadAsync(missing));
        Assert.Equal(missing, ex.Path);
    }

    [Fact]
    public async Task An_engine_family_without_a_builder_is_an_input_error()
    {
        var ex = await Assert.ThrowsAsync<HarkInputException>(() => WhisperModel.LoadAsync(folder.Folder, new ModelOptions { Engine = (EngineKind)99 }));
        Assert.Equal("engine", ex.Field);
        Assert.NotNull(EngineRegistry.Default.Find(EngineKind.Managed, DeviceKind.Cpu));
        Assert.NotNull(EngineRegistry.Default.Find(EngineKind.Onnx, DeviceKind.Cpu));
    }

    [Fact]
    public async Task Managed_engine_refuses_a_gpu_device()
    {
        var ex = await Assert.ThrowsAsync<HarkInputException>(() =>
            WhisperModel.LoadAsync(folder.Folder, new ModelOptions { Device = new Hark.Engines.EngineDevice(Hark.Engines.DeviceKind.Cuda) }));
        Assert.Equal("device", ex.Field);
    }

    [Fact]
    public async Task Info_is_available_before_the_segments_are_enumerated()
    {
        using var model = RandomModel.Create();
        var transcription = model.TranscribeAsync(RandomModel.LongformMel(), Fast);
        var info = await transcription.Info;
        Assert.Equal("en", info.Language);
        Assert.Equal(1.0, info.LanguageProbability);
        var count = 0;
        await foreach (var _ in transcription) count++;
        Assert.True(count > 0);
        Assert.Throws<InvalidOperationException>(() => transcription.GetAsyncEnumerator());
    }

    [Fact]
    public async Task Cancellation_stops_the_segment_stream()
    {
        using var model = RandomModel.Create();
        using var cts = new CancellationTokenSource();
        var transcription = model.TranscribeAsync(RandomModel.LongformMel(), Fast with { ClipTimestamps = [] });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in transcription.WithCancellation(cts.Token)) cts.Cancel();
        });
    }

    [Fact]
    public void Real_tokenizer_gives_openai_blank_and_non_speech_sets()
    {
        using var model = RandomModel.Create();
        Assert.Equal([220], model.Tokenizer.Encode(" ")); // what SuppressBlank masks besides end-of-text
        Assert.NotEmpty(model.Tokenizer.NonSpeechTokens);
        Assert.All(model.Tokenizer.NonSpeechTokens, t => Assert.InRange(t, 0, model.Tokenizer.Special.EndOfText - 1));
    }

    [Fact]
    public void Mismatched_tokenizer_vocabulary_is_an_input_error()
    {
        using var model = RandomModel.Create();
        var ex = Assert.Throws<HarkInputException>(() => new WhisperModel(model.Engine, new Decoding.FakeTokenizer(51866)));
        Assert.Equal("vocab_size", ex.Field);
    }
}
