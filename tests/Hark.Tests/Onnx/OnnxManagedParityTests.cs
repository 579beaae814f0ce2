using Hark.Formats.Onnx;
using System.Runtime.InteropServices;
using Hark.Checkpoints;
using Hark.Conversion.Onnx;
using Hark.Engines;
using Hark.Engines.Onnx;
using Xunit.Abstractions;
using static Hark.Tests.Onnx.OnnxEngineParityTests;

namespace Hark.Tests.Onnx;

/// <summary>The fp32 export run by ONNX Runtime against Hark's managed engine on the same weights.</summary>
public sealed class OnnxManagedParityTests(ITestOutputHelper output)
{
    private static readonly int[] Prompt = [50258, 50259, 50359, 50363];

    private static float[] JfkMel() => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Fixtures.Path("reference/jfk.mel80.f32"))).ToArray();

    [Theory]
    [InlineData("test", 16)]
    [InlineData("tiny", 4)]
    public void Fp32_logits_and_greedy_tokens_match_the_managed_engine(string preset, int steps)
    {
        var config = WhisperPresets.Get(preset);
        using var weights = new RandomWhisperWeights(config, OnnxTestModels.Seed);
        string folder;
        TempDir? temp = null;
        if (preset == "test")
        {
            folder = OnnxTestModels.Folder(OnnxPrecision.Float32);
        }
        else
        {
            temp = Fixtures.TempDir();
            folder = Path.Combine(temp.FullName, "onnx");
            using var checkpoint = new WhisperCheckpoint("", config, new RandomWhisperWeights(config, OnnxTestModels.Seed));
            OnnxExporter.Export(checkpoint, folder, new OnnxExportOptions { Merged = false });
        }
        try
        {
            using var onnx = OnnxEngine.Load(folder, new OnnxEngineOptions { IntraOpThreads = 2 });
            using var managed = ManagedEngine.Load(config, weights, new ManagedEngineOptions { Threads = 2 });
            var mel = JfkMel();
            using var a = onnx.Encode(mel, 1);
            using var b = managed.Encode(mel, 1);
            var sa = new float[config.MaxSourcePositions * config.DModel];
            var sb = new float[sa.Length];
            a.CopyTo(0, sa);
            b.CopyTo(0, sb);
            var encoderError = RelativeError(sa, sb);
            output.WriteLine($"{preset}: encoder relative error {encoderError:E2}");
            Assert.InRange(encoderError, 0, 1e-4);

            using var da = onnx.StartDecoder(a, [0]);
            using var db = managed.StartDecoder(b, [0]);
            var la = new float[config.VocabSize];
            var lb = new float[config.VocabSize];
            da.Step(Prompt, Prompt.Length, la);
            db.Step(Prompt, Prompt.Length, lb);
            var worst = 0.0;
            for (var i = 0; i < steps; i++)
            {
                worst = Math.Max(worst, RelativeError(la, lb));
                var (ta, tb) = (ArgMax(la), ArgMax(lb));
                Assert.Equal(tb, ta);
                da.Step([ta], 1, la);
                db.Step([tb], 1, lb);
            }
            output.WriteLine($"{preset}: worst logits relative error over {steps} greedy steps {worst:E2}");
            Assert.InRange(worst, 0, 1e-4);
        }
        finally
        {
            temp?.Dispose();
        }
    }
}
