using Hark.AI;
using Hark.Tests.Serving;
using Hark.Transcription;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using TranscriptionOptions = Hark.Transcription.TranscriptionOptions;

#pragma warning disable MEAI001 // the speech-to-text abstractions are marked experimental

namespace Hark.Tests.AI;

/// <summary><see cref="WhisperSpeechToTextClient"/> honours each call's options, unlike a client that freezes its first call's.</summary>
[Collection(ServingCollection.Name)]
public class SpeechToTextClientTests(ServerFixture server)
{
    private static readonly string Jfk = Fixtures.Path("audio/jfk.wav");

    private WhisperSpeechToTextClient Client() => new(server.Model, "whisper-test", ServerFixture.Options with { Language = null });

    private static async Task<SpeechToTextResponse> Text(ISpeechToTextClient client, SpeechToTextOptions? options)
    {
        await using var audio = File.OpenRead(Jfk);
        return await client.GetTextAsync(audio, options);
    }

    private static IReadOnlyList<Segment> Segments(SpeechToTextResponse response) => (IReadOnlyList<Segment>)response.RawRepresentation!;

    [Fact]
    public async Task Two_calls_with_different_languages_on_one_client_each_use_their_own()
    {
        using var client = Client();
        var english = await Text(client, new SpeechToTextOptions { SpeechLanguage = "en" });
        var german = await Text(client, new SpeechToTextOptions { SpeechLanguage = "de" });
        var (_, expectedEnglish) = await server.ExpectedAsync(Jfk, ServerFixture.Options with { Language = "en" });
        var (_, expectedGerman) = await server.ExpectedAsync(Jfk, ServerFixture.Options with { Language = "de" });
        Assert.Equal(expectedEnglish.Segments.Select(s => s.Tokens), Segments(english).Select(s => s.Tokens));
        Assert.Equal(expectedGerman.Segments.Select(s => s.Tokens), Segments(german).Select(s => s.Tokens));
        Assert.Equal(expectedEnglish.Text.Trim(), english.Text);
    }

    [Fact]
    public async Task Each_call_prompts_the_decoder_with_its_own_language()
    {
        var engine = new SteppedEngine(server.Model.Engine, TimeSpan.Zero);
        using var model = new WhisperModel(engine, server.Model.Tokenizer, server.Model.Generation);
        using var client = new WhisperSpeechToTextClient(model, "whisper-test", ServerFixture.Options with { Language = null, Temperatures = [0f] });
        var special = model.Tokenizer.Special;
        await Text(client, new SpeechToTextOptions { SpeechLanguage = "en" });
        var english = engine.Prompts.Count;
        await Text(client, new SpeechToTextOptions { SpeechLanguage = "de" });
        int Language(int[] prompt) => prompt.Single(special.IsLanguage);
        Assert.All(engine.Prompts.Take(english), p => Assert.Equal(special.LanguageToken(Hark.Tokenization.WhisperLanguages.IndexOf("en")), Language(p)));
        Assert.All(engine.Prompts.Skip(english), p => Assert.Equal(special.LanguageToken(Hark.Tokenization.WhisperLanguages.IndexOf("de")), Language(p)));
        Assert.True(engine.Prompts.Count > english);
    }

    [Fact]
    public async Task English_text_of_other_speech_is_a_translation()
    {
        using var client = Client();
        var translated = await Text(client, new SpeechToTextOptions { SpeechLanguage = "de", TextLanguage = "en" });
        var (_, expected) = await server.ExpectedAsync(Jfk, ServerFixture.Options with { Language = "de", Task = Hark.Decoding.WhisperTask.Translate });
        Assert.Equal(expected.Segments.Select(s => s.Tokens), Segments(translated).Select(s => s.Tokens));
        await Assert.ThrowsAsync<ArgumentException>(() => Text(client, new SpeechToTextOptions { SpeechLanguage = "en", TextLanguage = "fr" }));
        await Assert.ThrowsAsync<ArgumentException>(() => Text(client, new SpeechToTextOptions { ModelId = "whisper-1" }));
    }

    [Fact]
    public async Task Streaming_yields_each_segment_and_the_services_answer_for_their_types()
    {
        var services = new ServiceCollection().AddWhisperSpeechToText(server.Model, "whisper-test", ServerFixture.Options).BuildServiceProvider();
        var client = services.GetRequiredService<ISpeechToTextClient>();
        var (_, expected) = await server.ExpectedAsync(Jfk);
        await using var audio = File.OpenRead(Jfk);
        var updates = new List<SpeechToTextResponseUpdate>();
        await foreach (var u in client.GetStreamingTextAsync(audio, new SpeechToTextOptions { SpeechLanguage = "en" })) updates.Add(u);
        Assert.Equal(expected.Segments.Select(s => s.Text), updates.Select(u => u.Text));
        Assert.True(audio.CanRead); // the caller's stream is left open
        Assert.Equal("whisper-test", client.GetService<SpeechToTextClientMetadata>()!.DefaultModelId);
        Assert.Same(server.Model, client.GetService<WhisperModel>());
        Assert.Same(client, client.GetService<WhisperSpeechToTextClient>());
        Assert.Null(client.GetService<WhisperModel>("key"));
    }
}
