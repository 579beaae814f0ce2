using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Hark.Checkpoints;
using Hark.Conversion;
using Hark.Conversion.Inspect;
using Spectre.Console;

namespace Hark.Cli.Commands;

/// <summary>
/// <c>hark convert MODEL --to ct2|ggml|onnx --output PATH [--quantization Q] [--force] [--json]</c>: converts a
/// Hugging Face Whisper folder with the target's converter from <see cref="ConverterCatalog"/>.
/// </summary>
internal static class ConvertCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "A Hugging Face Whisper folder (config.json + safetensors or pytorch_model.bin), a hub repo id or an alias (tiny, small, large-v3, …)." };
        var to = new Option<string>("--to") { Description = "Target format: " + string.Join(", ", ConverterCatalog.All.Select(c => c.Target)) + ".", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Output folder (ct2, onnx) or file (ggml).", Required = true };
        var quantization = new Option<string?>("--quantization", "-q", "--precision", "--type")
        {
            Description = string.Join("; ", ConverterCatalog.All.Select(c => $"{c.Target}: {string.Join("|", c.Quantizations)}")) + " (default: the first of each).",
        };
        var force = new Option<bool>("--force") { Description = "Replace an existing output." };
        var threads = new Option<int>("--threads") { Description = "Worker threads (0 = all cores)." };
        var json = new Option<bool>("--json") { Description = "Print a JSON summary instead of text." };
        var alignmentHeads = new Option<bool>("--alignment-heads")
        {
            Description = "onnx: the decoders also output the alignment heads' cross-attention, for --word-timestamps on ONNX Runtime.",
        };
        var command = new Command("convert", "Convert a Whisper model to CTranslate2 (faster-whisper), whisper.cpp or ONNX.");
        command.Arguments.Add(model);
        foreach (var o in new Option[] { to, output, quantization, force, threads, json, alignmentHeads }) command.Options.Add(o);
        command.SetAction(async (parse, ct) =>
        {
            var converter = ConverterCatalog.Get(parse.GetValue(to)!);
            var q = parse.GetValue(quantization);
            if (q is not null && !converter.Quantizations.Contains(q, StringComparer.OrdinalIgnoreCase))
                throw new HarkInputException($"'{q}' is not supported by the {converter.Target} target; expected one of {string.Join(", ", converter.Quantizations)}", field: "--quantization");
            var options = new ConversionOptions
            {
                Quantization = q, Force = parse.GetValue(force), Threads = ArgumentRanges.Threads(parse.GetValue(threads)),
                AlignmentHeads = parse.GetValue(alignmentHeads),
            };
            var destination = parse.GetValue(output)!;
            var asJson = parse.GetValue(json);
            using var checkpoint = WhisperCheckpoint.Open(await ModelArgument.ResolveAsync(parse.GetValue(model)!, ct).ConfigureAwait(false));
            var sw = Stopwatch.StartNew();
            var tensors = 0;
            if (!asJson && !Console.IsOutputRedirected)
            {
                await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(async ctx =>
                    {
                        var task = ctx.AddTask($"{converter.Target} {q ?? converter.Quantizations[0]}");
                        await converter.ConvertAsync(checkpoint, destination, options, new SyncProgress(p =>
                        {
                            task.MaxValue = p.TensorsTotal;
                            task.Value = p.TensorsDone;
                            tensors = p.TensorsTotal;
                        }), ct);
                    });
            }
            else
            {
                await converter.ConvertAsync(checkpoint, destination, options, new SyncProgress(p => tensors = p.TensorsTotal), ct);
            }
            sw.Stop();
            var bytes = Directory.Exists(destination)
                ? Directory.EnumerateFiles(destination, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length)
                : new FileInfo(destination).Length;
            var quant = q ?? converter.Quantizations[0];
            if (asJson)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["target"] = converter.Target, ["quantization"] = quant, ["output"] = Path.GetFullPath(destination),
                    ["bytes"] = bytes, ["tensors"] = tensors, ["seconds"] = Math.Round(sw.Elapsed.TotalSeconds, 2),
                }));
            }
            else
            {
                Console.Out.WriteLine($"wrote {Path.GetFullPath(destination)} ({converter.Target} {quant}, {ModelInspector.FormatBytes(bytes)}) in {sw.Elapsed.TotalSeconds:F1} s");
            }
            return 0;
        });
        return command;
    }

    private sealed class SyncProgress(Action<ConversionProgress> report) : IProgress<ConversionProgress>
    {
        public void Report(ConversionProgress value) => report(value);
    }
}
