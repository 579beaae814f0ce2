using Hark.Formats.Onnx;
using System.Runtime.InteropServices;
using Hark.Conversion.Onnx;
using Hark.Engines.Onnx;

namespace Hark.Tests.Onnx;

/// <summary>
/// Sessions of one <see cref="Hark.Engines.IDecoderSessionFactory"/> reuse the cross-attention K/V computed once per
/// window and decode on the cached branch from their first step; they must give the logits a fresh session gives.
/// </summary>
public sealed class OnnxDecoderFactoryTests
{
    private static readonly int[] Prompt = [50258, 50259, 50359, 50363];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Factory_sessions_match_fresh_sessions_step_by_step_and_after_reordering(bool merged)
    {
        var jfk = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Fixtures.Path("reference/jfk.mel80.f32"))).ToArray();
        var mel = new float[2 * jfk.Length];
        jfk.CopyTo(mel, 0);
        for (var i = 0; i < jfk.Length; i++) mel[jfk.Length + i] = jfk[jfk.Length - 1 - i]; // a second, different window
        using var engine = OnnxEngine.Load(OnnxTestModels.Folder(OnnxPrecision.Float32), new OnnxEngineOptions { IntraOpThreads = 1, PreferMergedDecoder = merged });
        using var audio = engine.Encode(mel, 2);
        using var factory = engine.PrepareDecoder(audio);
        var vocab = engine.Config.VocabSize;
        int[] rows = [1, 0, 1];
        for (var attempt = 0; attempt < 2; attempt++) // a second session from the same factory: nothing was consumed
        {
            using var fresh = engine.StartDecoder(audio, rows);
            using var shared = factory.StartDecoder(rows);
            var expected = new float[rows.Length * 2 * vocab];
            var actual = new float[rows.Length * 2 * vocab];
            int[] tokens = [.. rows.SelectMany(_ => Prompt)];
            fresh.Step(tokens, Prompt.Length, expected, [0, Prompt.Length - 1]);
            shared.Step(tokens, Prompt.Length, actual, [0, Prompt.Length - 1]);
            Assert.InRange(OnnxEngineParityTests.RelativeError(actual, expected), 0, 1e-5);

            fresh.Reorder([2, 2, 1]);
            shared.Reorder([2, 2, 1]);
            var one = new float[rows.Length * vocab];
            var other = new float[rows.Length * vocab];
            fresh.Step([400, 401, 402], 1, one);
            shared.Step([400, 401, 402], 1, other);
            Assert.InRange(OnnxEngineParityTests.RelativeError(other, one), 0, 1e-5);
            Assert.Equal(Prompt.Length + 1, shared.Length);
        }
    }
}
