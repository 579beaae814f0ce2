using System.CommandLine;
using System.Text.Json;
using Hark.Conversion.Inspect;
using Spectre.Console;

namespace Hark.Cli.Commands;

/// <summary><c>hark inspect PATH [--json]</c>: architecture, dtypes, sizes and tensor list of a model in any format Hark reads or writes.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "A Hugging Face Whisper folder, a CTranslate2 folder or model.bin, a whisper.cpp .bin file, or an ONNX folder." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var command = new Command("inspect", "Show the architecture, dtypes, sizes and tensors of a model.");
        command.Arguments.Add(path);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            var report = Inspect(parse.GetValue(path)!);
            if (parse.GetValue(json)) Console.Out.WriteLine(ToJson(report));
            else Print(report);
            return 0;
        });
        return command;
    }

    /// <summary>Reads the report for any supported path.</summary>
    public static InspectReport Inspect(string path) => ModelInspector.Detect(path) switch
    {
        ModelFormat.CTranslate2 => ModelInspector.InspectCt2(path),
        ModelFormat.Ggml => ModelInspector.InspectGgml(path),
        ModelFormat.Onnx => ModelInspector.InspectOnnx(path),
        _ => ModelInspector.InspectHuggingFace(path),
    };

    public static string ToJson(InspectReport r)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("path", r.Path);
            w.WriteString("format", r.Format.ToString());
            w.WriteStartObject("properties");
            foreach (var (k, v) in r.Properties) w.WriteString(k, v);
            w.WriteEndObject();
            w.WriteNumber("total_bytes", r.TotalBytes);
            w.WriteStartObject("bytes_by_dtype");
            foreach (var (k, v) in r.BytesByDType) w.WriteNumber(k, v);
            w.WriteEndObject();
            w.WriteStartArray("tensors");
            foreach (var t in r.Tensors)
            {
                w.WriteStartObject();
                w.WriteString("name", t.Name);
                w.WriteStartArray("shape");
                foreach (var d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteString("dtype", t.DType);
                w.WriteNumber("bytes", t.Bytes);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>File-controlled text for the console: terminal-escaped, then markup-escaped.</summary>
    private static string Safe(string text) => Markup.Escape(TerminalText.Escape(text, 200));

    private static void Print(InspectReport r)
    {
        var console = AnsiConsole.Console;
        var props = new Table().AddColumn("property").AddColumn("value").HideHeaders();
        props.AddRow("path", Safe(r.Path));
        foreach (var (k, v) in r.Properties) props.AddRow(Safe(k), Safe(v));
        props.AddRow("total", Safe(ModelInspector.FormatBytes(r.TotalBytes) + $" in {r.Tensors.Count} tensors"));
        foreach (var (k, v) in r.BytesByDType) props.AddRow("  " + Safe(k), Safe(ModelInspector.FormatBytes(v)));
        console.Write(props);
        var tensors = new Table().AddColumn("name").AddColumn("shape").AddColumn("dtype").AddColumn(new TableColumn("bytes").RightAligned());
        foreach (var t in r.Tensors)
            tensors.AddRow(Safe(t.Name), Safe("[" + string.Join(", ", t.Shape) + "]"), Safe(t.DType), ModelInspector.FormatBytes(t.Bytes));
        console.Write(tensors);
    }
}
