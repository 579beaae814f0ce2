namespace Hark.Tests.Tokenization;

public class ConcurrencyTests
{
    [Fact]
    public void Encoding_from_many_threads_gives_the_ids_of_a_single_thread()
    {
        var texts = Tokenizers.FixtureTexts().SelectMany(t => new[] { " " + t, t.ToUpperInvariant(), t + " 123 🦜" }).ToArray();
        foreach (var tokenizer in new[] { Tokenizers.Multilingual, Tokenizers.WhisperBase })
        {
            var expected = texts.Select(tokenizer.Encode).ToArray();
            var actual = new int[texts.Length * 8][];
            Parallel.For(0, actual.Length, i => actual[i] = tokenizer.Encode(texts[i % texts.Length]));
            for (var i = 0; i < actual.Length; i++) Assert.Equal(expected[i % texts.Length], actual[i]);
        }
    }
}
