using Hark.Conversion;
using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Hark.Checkpoints;
using Spectre.Console;

namespace Hark.Cli.Commands;

/// <summary><c>hark dev random-model</c>: a complete Whisper folder with deterministic random weights.</summary>
internal static class RandomModelCommand
{
    public static Command Create()
    {
        var preset = new Option<string?>("--preset")
        {
            Description = $"Architecture: {string.Join(", ", WhisperPresets.Names)}. Omit to use the --out folder's own config.json.",
        };
        var seed = new Option<ulong>("--seed") { Description = "Seed; the same seed gives the same bytes.", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Output folder (new, or a model folder without weights).", Required = true };
        var dtype = new Option<string>("--dtype") { Description = "Weight dtype: f32, f16 or bf16.", DefaultValueFactory = _ => "f32" };
        dtype.AcceptOnlyFromAmong("f32", "f16", "bf16");
        var shards = new Option<int>("--shards") { Description = "Split safetensors into N shards with an index.", DefaultValueFactory = _ => 1 };
        var pytorchBin = new Option<bool>("--pytorch-bin") { Description = "Write pytorch_model.bin (torch.save format) instead of safetensors." };
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object." };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "Folder whose tokenizer files are copied in, or an openai .tiktoken rank file." };

        var command = new Command("random-model", "Write a Whisper model folder with deterministic random weights (peaked outputs).")
        {
            preset, seed, output, dtype, shards, pytorchBin, tokenizer, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new RandomModelOptions
            {
                Preset = parse.GetValue(preset),
                Seed = parse.GetValue(seed),
                DType = parse.GetValue(dtype) switch { "f16" => DType.F16, "bf16" => DType.BF16, _ => DType.F32 },
                Shards = parse.GetValue(shards),
                PytorchBin = parse.GetValue(pytorchBin),
                TokenizerSource = parse.GetValue(tokenizer),
            };
            var folder = parse.GetValue(output)!;
            var asJson = parse.GetValue(json);
            var watch = Stopwatch.StartNew();
            WhisperConfig config = null!;
            if (!asJson && !Console.IsOutputRedirected)
            {
                await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(ctx =>
                    {
                        var task = ctx.AddTask("random weights");
                        config = RandomModelWriter.Write(folder, options, new SyncProgress(p =>
                        {
                            task.MaxValue = Math.Max(1, p.BytesTotal);
                            task.Value = p.BytesDone;
                        }), cancellationToken);
                        return Task.CompletedTask;
                    });
            }
            else
            {
                config = RandomModelWriter.Write(folder, options, null, cancellationToken);
            }
            var bytes = new DirectoryInfo(folder).EnumerateFiles().Sum(f => f.Length);
            var parameters = WhisperPresets.ParameterCount(config);
            if (asJson)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["output"] = Path.GetFullPath(folder), ["d_model"] = config.DModel, ["encoder_layers"] = config.EncoderLayers,
                    ["decoder_layers"] = config.DecoderLayers, ["vocab_size"] = config.VocabSize, ["parameters"] = parameters,
                    ["dtype"] = options.DType.ToSafetensorsName(), ["bytes"] = bytes, ["seconds"] = Math.Round(watch.Elapsed.TotalSeconds, 2),
                }));
            }
            else
            {
                Console.Out.WriteLine(
                    $"wrote {Path.GetFullPath(folder)}: d_model {config.DModel}, {config.EncoderLayers}+{config.DecoderLayers} layers, "
                    + $"{parameters / 1e6:F2} M parameters, {options.DType}, {bytes / 1e6:F1} MB in {watch.Elapsed.TotalSeconds:F1} s");
            }
            return 0;
        });
        return command;
    }

    private sealed class SyncProgress(Action<WeightWriteProgress> report) : IProgress<WeightWriteProgress>
    {
        public void Report(WeightWriteProgress value) => report(value);
    }
}
