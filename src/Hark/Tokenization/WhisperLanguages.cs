namespace Hark.Tokenization;

/// <summary>
/// Whisper's languages in token order (openai-whisper <c>tokenizer.py</c> <c>LANGUAGES</c>): the language token
/// of index <c>i</c> is <c>SOT + 1 + i</c>. Models before large-v3 know the first 99; large-v3 adds Cantonese.
/// </summary>
public static class WhisperLanguages
{
    private static readonly (string Code, string Name)[] All =
    [
        ("en", "english"), ("zh", "chinese"), ("de", "german"), ("es", "spanish"), ("ru", "russian"),
        ("ko", "korean"), ("fr", "french"), ("ja", "japanese"), ("pt", "portuguese"), ("tr", "turkish"),
        ("pl", "polish"), ("ca", "catalan"), ("nl", "dutch"), ("ar", "arabic"), ("sv", "swedish"),
        ("it", "italian"), ("id", "indonesian"), ("hi", "hindi"), ("fi", "finnish"), ("vi", "vietnamese"),
        ("he", "hebrew"), ("uk", "ukrainian"), ("el", "greek"), ("ms", "malay"), ("cs", "czech"),
        ("ro", "romanian"), ("da", "danish"), ("hu", "hungarian"), ("ta", "tamil"), ("no", "norwegian"),
        ("th", "thai"), ("ur", "urdu"), ("hr", "croatian"), ("bg", "bulgarian"), ("lt", "lithuanian"),
        ("la", "latin"), ("mi", "maori"), ("ml", "malayalam"), ("cy", "welsh"), ("sk", "slovak"),
        ("te", "telugu"), ("fa", "persian"), ("lv", "latvian"), ("bn", "bengali"), ("sr", "serbian"),
        ("az", "azerbaijani"), ("sl", "slovenian"), ("kn", "kannada"), ("et", "estonian"), ("mk", "macedonian"),
        ("br", "breton"), ("eu", "basque"), ("is", "icelandic"), ("hy", "armenian"), ("ne", "nepali"),
        ("mn", "mongolian"), ("bs", "bosnian"), ("kk", "kazakh"), ("sq", "albanian"), ("sw", "swahili"),
        ("gl", "galician"), ("mr", "marathi"), ("pa", "punjabi"), ("si", "sinhala"), ("km", "khmer"),
        ("sn", "shona"), ("yo", "yoruba"), ("so", "somali"), ("af", "afrikaans"), ("oc", "occitan"),
        ("ka", "georgian"), ("be", "belarusian"), ("tg", "tajik"), ("sd", "sindhi"), ("gu", "gujarati"),
        ("am", "amharic"), ("yi", "yiddish"), ("lo", "lao"), ("uz", "uzbek"), ("fo", "faroese"),
        ("ht", "haitian creole"), ("ps", "pashto"), ("tk", "turkmen"), ("nn", "nynorsk"), ("mt", "maltese"),
        ("sa", "sanskrit"), ("lb", "luxembourgish"), ("my", "myanmar"), ("bo", "tibetan"), ("tl", "tagalog"),
        ("mg", "malagasy"), ("as", "assamese"), ("tt", "tatar"), ("haw", "hawaiian"), ("ln", "lingala"),
        ("ha", "hausa"), ("ba", "bashkir"), ("jw", "javanese"), ("su", "sundanese"), ("yue", "cantonese"),
    ];

    /// <summary>Number of languages in the large-v3 family (100).</summary>
    public const int CountV3 = 100;

    /// <summary>Number of languages before large-v3 (99).</summary>
    public const int CountV1 = 99;

    /// <summary>Language codes in token order.</summary>
    public static IReadOnlyList<string> Codes { get; } = Array.ConvertAll(All, l => l.Code);

    /// <summary>English names in token order.</summary>
    public static IReadOnlyList<string> Names { get; } = Array.ConvertAll(All, l => l.Name);

    /// <summary>Index of a language given by code (<c>"no"</c>) or English name (<c>"norwegian"</c>), or -1.</summary>
    public static int IndexOf(string codeOrName)
    {
        var key = codeOrName.Trim().ToLowerInvariant();
        for (var i = 0; i < All.Length; i++)
        {
            if (All[i].Code == key || All[i].Name == key) return i;
        }
        return -1;
    }
}
