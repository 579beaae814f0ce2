using Hark.Benchmarking;

namespace Hark.Tests.Benchmarking;

public sealed class BenchInputTests
{
    [Fact]
    public void An_audio_file_takes_its_sibling_txt_as_reference()
    {
        var inputs = BenchInput.FromAudio([Fixtures.Path("audio/espeak/en01.wav")]);

        var input = Assert.Single(inputs);
        Assert.Equal("The quick brown fox jumps over the lazy dog near the river bank.", input.Reference);
        Assert.Null(input.Language);
    }

    [Fact]
    public void An_audio_file_without_a_sibling_txt_has_no_reference()
    {
        using var dir = Fixtures.TempDir();
        var wav = dir.File("clip.wav");
        File.Copy(Fixtures.Path("audio/espeak/en01.wav"), wav);

        Assert.Null(Assert.Single(BenchInput.FromAudio([wav])).Reference);
    }

    [Fact]
    public void The_espeak_manifest_gives_files_relative_to_it_with_text_and_language()
    {
        var inputs = BenchInput.FromManifest(Fixtures.Path("audio/espeak/manifest.tsv"));

        Assert.True(inputs.Count >= 4);
        Assert.Equal(Path.GetFullPath(Fixtures.Path("audio/espeak/en01.wav")), Path.GetFullPath(inputs[0].Path));
        Assert.Equal("The quick brown fox jumps over the lazy dog near the river bank.", inputs[0].Reference);
        Assert.Equal("en", inputs[0].Language);
        Assert.All(inputs, i => Assert.True(File.Exists(i.Path)));
    }

    [Fact]
    public void A_manifest_without_a_file_column_is_an_input_error_listing_its_columns()
    {
        using var dir = Fixtures.TempDir();
        var tsv = dir.File("m.tsv");
        File.WriteAllText(tsv, "path\ttext\na.wav\thello\n");

        var ex = Assert.Throws<HarkInputException>(() => BenchInput.FromManifest(tsv));
        Assert.Contains("no 'file' column", ex.Message, StringComparison.Ordinal);
        Assert.Contains("path, text", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_manifest_row_naming_a_missing_file_is_an_input_error_with_the_line()
    {
        using var dir = Fixtures.TempDir();
        var tsv = dir.File("m.tsv");
        File.WriteAllText(tsv, "file\ttext\nnope.wav\thello\n");

        var ex = Assert.Throws<HarkInputException>(() => BenchInput.FromManifest(tsv));
        Assert.Contains("line 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Token_agreement_is_one_minus_the_token_edit_rate()
    {
        Assert.Equal(1.0, BenchRunner.TokenAgreement([[1, 2, 3, 4]], [[1, 2, 3, 4]]));
        Assert.Equal(0.75, BenchRunner.TokenAgreement([[1, 2, 3, 4]], [[1, 2, 9, 4]]));
        // corpus-level: 2 substitutions + 2 insertions over 4 reference tokens -> clamped to 0
        Assert.Equal(0.0, BenchRunner.TokenAgreement([[1, 2], [3, 4]], [[1, 2], [5, 6, 7, 8]]));
        Assert.Equal(0.5, BenchRunner.TokenAgreement([[1, 2], [3, 4]], [[1, 2], []]));
        Assert.Equal(0.0, BenchRunner.TokenAgreement([[1]], [[2, 3, 4]]));
    }
}
