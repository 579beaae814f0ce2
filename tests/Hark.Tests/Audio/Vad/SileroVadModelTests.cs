using Hark.Audio;
using Hark.Audio.Vad;

namespace Hark.Tests.Audio.Vad;

/// <summary>The embedded Silero VAD v6 model: integrity, interface and reproducibility.</summary>
public class SileroVadModelTests
{
    internal static readonly Lazy<float[]> Longform = new(() => AudioLoader.Load(Fixtures.Path("audio/espeak/longform.wav")));

    private static byte[] EmbeddedBytes()
    {
        using var s = typeof(SileroVadModel).Assembly.GetManifestResourceStream(SileroVadModel.ResourcePrefix + SileroVadModel.ModelFileName)!;
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }

    [Fact]
    public void The_embedded_model_loads_and_its_checksum_is_the_published_one()
    {
        using var model = SileroVadModel.Load();
        Assert.Equal("1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3", SileroVadModel.Sha256);
        Assert.Equal(SileroVadModel.Sha256,
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(EmbeddedBytes())));
        Assert.Contains("MIT License", SileroVadModel.Licence(), StringComparison.Ordinal);
        Assert.Contains("Silero Team", SileroVadModel.Licence(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_whose_checksum_differs_is_refused_with_both_hashes_named()
    {
        var bytes = EmbeddedBytes();
        bytes[bytes.Length / 2] ^= 0x01;
        var e = Assert.Throws<HarkException>(() => SileroVadModel.FromBytes(bytes, "silero_vad_v6.onnx"));
        Assert.StartsWith("silero_vad_v6.onnx: SHA-256 is ", e.Message, StringComparison.Ordinal);
        Assert.Contains("expected " + SileroVadModel.Sha256, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_onnx_reference_takes_context_plus_frame_state_and_rate_and_returns_probability_and_state()
    {
        using var onnx = new OnnxSileroVad();
        var session = onnx.Session;
        Assert.Equal(["input", "state", "sr"], session.InputNames);
        Assert.Equal(["output", "stateN"], session.OutputNames);
        // Sizes are symbolic in the file; types and ranks are what the stream relies on.
        Assert.Equal(typeof(float), session.InputMetadata["input"].ElementType);
        Assert.Equal(2, session.InputMetadata["input"].Dimensions.Length);
        Assert.Equal(3, session.InputMetadata["state"].Dimensions.Length);
        Assert.Equal(typeof(long), session.InputMetadata["sr"].ElementType);
        Assert.Equal(3, session.OutputMetadata["stateN"].Dimensions.Length);
        Assert.Equal(typeof(float), session.OutputMetadata["output"].ElementType);
    }

    [Fact]
    public async Task Longform_probabilities_are_identical_run_to_run_and_on_two_threads_at_once()
    {
        var audio = Longform.Value;
        var first = SileroVadModel.Shared.SpeechProbabilities(audio);
        Assert.Equal((audio.Length + 511) / 512, first.Length);
        var second = SileroVadModel.Shared.SpeechProbabilities(audio);
        Assert.Equal(first, second);
        var concurrent = await Task.WhenAll(
            Task.Run(() => SileroVadModel.Shared.SpeechProbabilities(audio)),
            Task.Run(() => SileroVadModel.Shared.SpeechProbabilities(audio)));
        Assert.Equal(first, concurrent[0]);
        Assert.Equal(first, concurrent[1]);
        Assert.All(first, p => Assert.InRange(p, 0f, 1f));
    }

    [Fact]
    public void Reading_a_stream_frame_by_frame_gives_the_same_probabilities_as_the_whole_recording()
    {
        using var stream = AudioLoader.OpenStream(Fixtures.Path("audio/jfk.wav"));
        var (streamed, samples) = SileroVadModel.Shared.SpeechProbabilities(stream);
        var whole = AudioLoader.Load(Fixtures.Path("audio/jfk.wav"));
        Assert.Equal(whole.Length, samples);
        Assert.Equal(SileroVadModel.Shared.SpeechProbabilities(whole), streamed);
    }

    [Fact]
    public void A_graph_without_the_16_kHz_branch_is_refused_with_the_file_named()
    {
        var e = Assert.Throws<HarkException>(() => SileroVadWeights.Read([0x3a, 0x00], "other.onnx"));
        Assert.StartsWith("other.onnx: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("[258, 1, 256]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_frame_allocates_no_managed_memory_so_an_hour_streams_in_bounded_memory()
    {
        var audio = Longform.Value;
        using var stream = SileroVadModel.Shared.CreateStream();
        for (var i = 0; i < 50; i++) stream.Process(audio.AsSpan(i * 512, 512)); // warm up
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 50; i < 1050; i++) stream.Process(audio.AsSpan(i * 512, 512));
        var perFrame = (GC.GetAllocatedBytesForCurrentThread() - before) / 1000.0;
        Assert.True(perFrame < 64, $"{perFrame} bytes allocated per frame");
        Assert.Equal(1050, stream.Frames);
    }

    [Fact]
    public void A_cancelled_token_stops_the_pass()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => SileroVadModel.Shared.SpeechProbabilities(Longform.Value, cancelled.Token));
    }

    [Fact]
    public void Resetting_a_stream_starts_the_recording_over()
    {
        var audio = Longform.Value.AsSpan(0, 512 * 40);
        using var stream = SileroVadModel.Shared.CreateStream();
        var a = new float[40];
        for (var i = 0; i < 40; i++) a[i] = stream.Process(audio.Slice(i * 512, 512));
        stream.Reset();
        for (var i = 0; i < 40; i++) Assert.Equal(a[i], stream.Process(audio.Slice(i * 512, 512)));
    }
}
