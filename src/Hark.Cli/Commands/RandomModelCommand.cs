using System.CommandLine;
using Hark.Checkpoints;

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
        var tokenizer = new Option<string?>("--tokenizer") { Description = "Folder whose tokenizer files are copied in, or an openai .tiktoken rank file." };

        var command = new Command("random-model", "Write a Whisper model folder with deterministic random weights (peaked outputs).")
        {
            preset, seed, output, dtype, shards, pytorchBin, tokenizer,
        };
        command.SetAction((parse, cancellationToken) =>
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
            var config = RandomModelWriter.Write(folder, options, cancellationToken);
            var bytes = new DirectoryInfo(folder).EnumerateFiles().Sum(f => f.Length);
            Console.WriteLine(
                $"wrote {folder}: d_model {config.DModel}, {config.EncoderLayers}+{config.DecoderLayers} layers, "
                + $"{WhisperPresets.ParameterCount(config) / 1e6:F2} M parameters, {options.DType}, {bytes / 1e6:F1} MB");
            return Task.FromResult(0);
        });
        return command;
    }
}
