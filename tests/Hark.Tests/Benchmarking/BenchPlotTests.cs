using Hark.Cli.Commands;

namespace Hark.Tests.Benchmarking;

public sealed class BenchPlotTests
{
    private static Hark.Benchmarking.BenchReport Report() => BenchJsonTests.Report(
    [
        BenchRecommenderTests.Result("managed", "fp32", 1, 2.0, 5, 300),
        BenchRecommenderTests.Result("onnx", "int8", 1, 1.0, 9, 250),
    ]);

    [Fact]
    public void The_html_plot_is_self_contained_svg_with_a_labelled_point_per_configuration()
    {
        using var dir = Fixtures.TempDir();
        var path = dir.File("plot.html");

        BenchPlot.Write(Report(), path);

        var html = File.ReadAllText(path);
        var svg = html[html.IndexOf("<svg", StringComparison.Ordinal)..(html.IndexOf("</svg>", StringComparison.Ordinal) + 6)];
        Assert.Contains("managed fp32 b1", svg, StringComparison.Ordinal);
        Assert.Contains("onnx int8 b1", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=\"http", html, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(dir.FullName)); // no temp file left behind
    }

    [Fact]
    public void The_png_plot_is_a_png()
    {
        using var dir = Fixtures.TempDir();
        var path = dir.File("plot.png");

        BenchPlot.Write(Report(), path);

        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(path)[..4]);
    }
}
