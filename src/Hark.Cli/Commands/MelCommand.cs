using System.CommandLine;
using System.Runtime.InteropServices;
using Hark.Audio;

namespace Hark.Cli.Commands;

/// <summary><c>hark dev mel AUDIO --out FILE</c>: writes Whisper's log-mel features as raw little-endian float32.</summary>
internal static class MelCommand
{
    public static Command Create()
    {
        var audio = new Argument<string>("audio") { Description = "Audio file (WAV natively, anything else via ffmpeg) or '-' for stdin." };
        var output = new Option<string>("--out", "-o") { Description = "Output file: raw little-endian float32, [n_mels, frames] row-major.", Required = true };
        var nMels = new Option<int>("--n-mels") { Description = "Mel bins: 80, or 128 for the large-v3 family.", DefaultValueFactory = _ => 80 };
        nMels.AcceptOnlyFromAmong("80", "128");
        var wholeFile = new Option<bool>("--whole-file")
        {
            Description = "Features of the whole file as transcribe computes them (30 s of zeros appended) instead of the first 30 s window (3000 frames).",
        };
        var command = new Command("mel", "Compute openai-whisper's log-mel features of an audio file (for checking a front end or a fine-tune).")
        {
            audio, output, nMels, wholeFile,
        };
        command.SetAction((parse, ct) =>
        {
            var path = parse.GetValue(audio)!;
            var target = parse.GetValue(output)!;
            var bins = parse.GetValue(nMels);
            var samples = AudioLoader.Load(path, ct);
            if (samples.Length == 0) Console.Error.WriteLine($"hark: warning: {path} holds no audio samples");
            var mel = parse.GetValue(wholeFile)
                ? LogMel.Compute(samples, bins, AudioConstants.SamplesPerChunk)
                : LogMel.ComputeWindow(samples, bins);
            Write(target, mel);
            Console.Error.WriteLine($"wrote {target}: float32 [{mel.NMels}, {mel.Frames}]");
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    // Temp file then rename: an interrupted run never leaves a half-written feature file behind.
    private static void Write(string target, MelSpectrogram mel)
    {
        var full = Path.GetFullPath(target);
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new HarkInputException("output folder does not exist", dir, "--out");
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                if (BitConverter.IsLittleEndian) file.Write(MemoryMarshal.AsBytes(mel.Data.AsSpan()));
                else foreach (var v in mel.Data) file.Write(BitConverter.GetBytes(BitConverter.SingleToInt32Bits(v)).Reverse().ToArray());
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
