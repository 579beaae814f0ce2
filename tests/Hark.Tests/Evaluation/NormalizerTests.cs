using Hark.Evaluation;

namespace Hark.Tests.Evaluation;

public class NormalizerTests
{
    private static readonly EnglishTextNormalizer English =
        new(EnglishSpellingNormalizer.Load(Fixtures.Path("whisper-assets/english-spelling.json")));

    [Theory]
    [InlineData("Hello, World!", "hello world")]
    [InlineData("[inaudible] hello (laughs)", "hello")]
    [InlineData("Uh, I mean it", "i mean it")]
    [InlineData("I won't go, you can't stay", "i will not go you can not stay")]
    [InlineData("Mr. Smith and Dr. Jones", "mister smith and doctor jones")]
    [InlineData("we're done, it's late", "we are done it is late")]
    [InlineData("Café naïve", "cafe naive")]
    public void Punctuation_contractions_and_diacritics_are_folded(string input, string expected) =>
        Assert.Equal(expected, English.Normalize(input));

    [Theory]
    [InlineData("twenty one", "21")]
    [InlineData("one hundred and twenty three", "123")]
    [InlineData("two thousand and five", "2005")]
    [InlineData("one oh one", "101")]
    [InlineData("double seven", "77")]
    [InlineData("minus five", "-5")]
    [InlineData("twenty dollars", "$20")]
    [InlineData("$20 million", "$20000000")]
    [InlineData("fifty percent", "50%")]
    [InlineData("fifty per cent", "50%")]
    [InlineData("two and a half", "2.5")]
    [InlineData("3.5 million", "3500000")]
    [InlineData("1,000 people", "1000 people")]
    [InlineData("the twenty first century", "the 21st century")]
    [InlineData("the 1960s", "the 1960s")]
    [InlineData("one", "one")]
    [InlineData("two dollars and seven cents", "$2.07")]
    public void Spelled_numbers_become_digits_as_whisper_normalises_them(string input, string expected) =>
        Assert.Equal(expected, English.Normalize(input));

    [Theory]
    [InlineData("The colour of the theatre", "the color of the theater")]
    [InlineData("I apologise", "i apologize")]
    public void British_spellings_map_to_american(string input, string expected) =>
        Assert.Equal(expected, English.Normalize(input));

    [Fact]
    public void Without_a_spelling_map_british_spellings_stay() =>
        Assert.Equal("the colour", new EnglishTextNormalizer().Normalize("The colour"));

    [Fact]
    public void Basic_normaliser_keeps_non_latin_words_and_drops_punctuation() =>
        Assert.Equal("hei på deg ", new BasicTextNormalizer().Normalize("Hei, på deg!"));

    [Fact]
    public void Missing_spelling_map_is_a_clear_input_error()
    {
        var ex = Assert.Throws<HarkInputException>(() => EnglishSpellingNormalizer.Load("no-such-map.json"));
        Assert.Contains("no-such-map.json", ex.Message, StringComparison.Ordinal);
    }
}

public class ErrorRateTests
{
    [Fact]
    public void Substitution_and_deletion_are_counted_against_reference_length()
    {
        var c = ErrorRate.Words("a b c d", "a x c");
        Assert.Equal(new EditCounts(1, 1, 0, 4), c);
        Assert.Equal(0.5, c.Rate);
    }

    [Fact]
    public void Insertions_can_push_wer_to_one_and_beyond()
    {
        Assert.Equal(1.0, ErrorRate.Words("the cat sat", "the cat sat on the mat").Rate);
        Assert.Equal(2.0, ErrorRate.Words("a", "b c").Rate);
    }

    [Fact]
    public void Two_empty_texts_have_no_error() => Assert.Equal(0, ErrorRate.Words("", "").Rate);

    [Fact]
    public void Character_error_rate_counts_single_letters()
    {
        Assert.Equal(1.0 / 3, ErrorRate.Characters("abc", "abd").Rate, 12);
        Assert.Equal(new EditCounts(0, 0, 2, 3), ErrorRate.Characters("a b", "a bcd"));
    }

    [Fact]
    public void Normalisation_removes_differences_of_case_and_punctuation()
    {
        var n = new EnglishTextNormalizer();
        Assert.Equal(0, ErrorRate.Words("And so, my fellow Americans", "and so my fellow americans", n).Rate);
    }

    [Fact]
    public void Corpus_counts_add_up()
    {
        var total = ErrorRate.Words("a b", "a c") + ErrorRate.Words("d e f", "d e f");
        Assert.Equal(0.2, total.Rate, 12);
    }
}
