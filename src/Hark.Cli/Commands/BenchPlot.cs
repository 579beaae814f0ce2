using System.Globalization;
using System.Net;
using Hark.Benchmarking;

namespace Hark.Cli.Commands;

/// <summary>
/// Throughput against peak memory, one labelled point per configuration: the trade-off people compare by eye.
/// PNG through ScottPlot; <c>.html</c>/<c>.svg</c> as a self-contained SVG (no scripts, no external files).
/// </summary>
internal static class BenchPlot
{
    private const int Width = 1000, Height = 640;

    /// <summary>Writes the plot; the format follows the extension (<c>.png</c>, <c>.svg</c>, <c>.html</c>).</summary>
    /// <exception cref="HarkInputException">Unknown extension.</exception>
    public static void Write(BenchReport report, string path)
    {
        var extension = CheckPath(path);
        var plot = Build(report);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        // Written beside the target and renamed: a failed render never leaves half a file.
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            switch (extension)
            {
                case ".png":
                    plot.SavePng(temp, Width, Height);
                    break;
                case ".svg":
                    File.WriteAllText(temp, plot.GetSvgXml(Width, Height));
                    break;
                default:
                    File.WriteAllText(temp, Html(report, plot.GetSvgXml(Width, Height)));
                    break;
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>The extension of a valid plot path.</summary>
    /// <exception cref="HarkInputException">Unknown extension.</exception>
    public static string CheckPath(string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        return extension is ".png" or ".svg" or ".html" or ".htm"
            ? extension
            : throw new HarkInputException("plot file must end in .png, .svg or .html", path, "--plot");
    }

    internal static ScottPlot.Plot Build(BenchReport report)
    {
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var i = 0;
        foreach (var r in report.Results)
        {
            var x = r.PeakRssBytes / (1024.0 * 1024.0);
            var y = r.AudioSecondsPerSecond.Median;
            var color = palette.GetColor(i++);
            var point = plot.Add.Scatter(new[] { x }, new[] { y }, color);
            point.MarkerSize = 12;
            point.LineWidth = 0;
            // Spread of the measured runs as a vertical bar from Q1 to Q3.
            var bar = plot.Add.Line(x, r.AudioSecondsPerSecond.Q1, x, r.AudioSecondsPerSecond.Q3);
            bar.Color = color;
            bar.LineWidth = 2;
            var label = plot.Add.Text(r.Configuration.Name, x, y);
            label.LabelFontSize = 14;
            label.LabelFontColor = color;
            label.OffsetX = 8;
            label.OffsetY = -8;
        }
        plot.Title($"hark bench: {ShortModel(report)} - throughput vs peak memory");
        plot.XLabel("peak RSS (MiB)");
        plot.YLabel("audio seconds per wall second (median, bar = Q1..Q3)");
        if (report.Results.Count > 0)
        {
            // Room on the right for the labels, which are drawn right of their points.
            var xs = report.Results.Select(r => r.PeakRssBytes / (1024.0 * 1024.0)).ToArray();
            var ys = report.Results.SelectMany(r => new[] { r.AudioSecondsPerSecond.Q1, r.AudioSecondsPerSecond.Q3 }).ToArray();
            var xRange = Math.Max(xs.Max() - xs.Min(), Math.Max(1, xs.Max() * 0.1));
            var yRange = Math.Max(ys.Max() - ys.Min(), Math.Max(1e-3, ys.Max() * 0.1));
            plot.Axes.SetLimits(xs.Min() - 0.1 * xRange, xs.Max() + 0.45 * xRange, Math.Max(0, ys.Min() - 0.15 * yRange), ys.Max() + 0.15 * yRange);
        }
        return plot;
    }

    private static string ShortModel(BenchReport report) =>
        report.SyntheticPreset is { } preset ? $"synthetic {preset}" : Path.GetFileName(report.Model.TrimEnd('/', '\\'));

    private static string Html(BenchReport report, string svg)
    {
        var rows = string.Concat(report.Results.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"<tr><td>{WebUtility.HtmlEncode(r.Configuration.Name)}</td><td>{r.AudioSecondsPerSecond.Median:F2}</td><td>{r.RealTimeFactor.Median:F3}</td><td>{r.PeakRssBytes / 1048576.0:F0}</td></tr>\n")));
        return $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>hark bench: {{WebUtility.HtmlEncode(ShortModel(report))}}</title>
            <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child{text-align:left}</style>
            </head><body>
            {{svg}}
            <p>{{WebUtility.HtmlEncode(report.BatchMeaning)}}. Peak RSS: {{WebUtility.HtmlEncode(report.MemoryMethod)}}.</p>
            <table><tr><th>configuration</th><th>audio s / s</th><th>RTF</th><th>peak RSS MiB</th></tr>
            {{rows}}</table>
            </body></html>
            """;
    }
}
