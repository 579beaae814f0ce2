using System.Globalization;
using Hark.Decoding;
using Hark.Tokenization;
using Hark.Transcription;
using Microsoft.AspNetCore.Http;

namespace Hark.Serving;

/// <summary>
/// Reads OpenAI's audio form fields (<c>file</c>, <c>model</c>, <c>language</c>, <c>prompt</c>,
/// <c>response_format</c>, <c>temperature</c>, <c>timestamp_granularities[]</c>, <c>stream</c>) and Hark's own
/// decoding options named as <c>hark transcribe</c> names them, in snake case (<c>beam_size</c>, <c>best_of</c>, …).
/// Every problem is a 400 naming the field.
/// </summary>
internal static class TranscriptionForm
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "file", "model", "language", "prompt", "response_format", "temperature", "timestamp_granularities[]", "timestamp_granularities",
        "stream", "beam_size", "best_of", "patience", "length_penalty", "condition_on_previous_text", "no_speech_threshold",
        "compression_ratio_threshold", "log_prob_threshold", "max_new_tokens", "without_timestamps", "vad_filter", "hotwords", "prefix",
        "repetition_penalty", "no_repeat_ngram_size",
        // OpenAI fields that do not change a Whisper transcription.
        "include[]", "chunking_strategy", "user",
    };

    public static TranscriptionRequest Read(IFormCollection form, WhisperTask task, TranscriptionOptions defaults)
    {
        if (form.Keys.FirstOrDefault(k => !Known.Contains(k)) is { } unknown)
            throw Bad($"unknown field '{unknown}'", unknown);
        if (form.Files.Count == 0 || form.Files.GetFile("file") is not { } file)
            throw Bad("a 'file' part with the audio is required", "file");
        if (form.Files.Count > 1) throw Bad("send exactly one 'file' part", "file");
        var model = Text(form, "model") ?? throw Bad("'model' is required", "model");
        var format = Format(Text(form, "response_format") ?? "json");
        Granularities(form, format);

        var options = defaults with
        {
            Task = task,
            Language = Language(Text(form, "language")) ?? defaults.Language,
            InitialPrompt = Text(form, "prompt") ?? defaults.InitialPrompt,
            Temperatures = Temperature(form, defaults),
            BeamSize = Int(form, "beam_size", 1) is { } beam ? (beam > 1 ? beam : null) : defaults.BeamSize,
            BestOf = Int(form, "best_of", 1) ?? defaults.BestOf,
            Patience = Number(form, "patience") ?? defaults.Patience,
            LengthPenalty = Number(form, "length_penalty") ?? defaults.LengthPenalty,
            ConditionOnPreviousText = Bool(form, "condition_on_previous_text") ?? defaults.ConditionOnPreviousText,
            NoSpeechThreshold = Number(form, "no_speech_threshold") ?? defaults.NoSpeechThreshold,
            CompressionRatioThreshold = Number(form, "compression_ratio_threshold") ?? defaults.CompressionRatioThreshold,
            LogProbThreshold = Number(form, "log_prob_threshold") ?? defaults.LogProbThreshold,
            MaxNewTokens = Int(form, "max_new_tokens", 1) ?? defaults.MaxNewTokens,
            WithoutTimestamps = Bool(form, "without_timestamps") ?? defaults.WithoutTimestamps,
            VadFilter = Bool(form, "vad_filter") ?? defaults.VadFilter,
            Hotwords = Text(form, "hotwords") ?? defaults.Hotwords,
            Prefix = Text(form, "prefix") ?? defaults.Prefix,
            RepetitionPenalty = (float?)Number(form, "repetition_penalty") ?? defaults.RepetitionPenalty,
            NoRepeatNgramSize = Int(form, "no_repeat_ngram_size", 0) ?? defaults.NoRepeatNgramSize,
        };
        try
        {
            DecodingRules.Validate(options);
        }
        catch (HarkInputException e)
        {
            throw Bad(e.Message, null);
        }
        return new TranscriptionRequest(model, file, format, Bool(form, "stream") ?? false, options);
    }

    private static ResponseFormat Format(string value) => value.Trim() switch
    {
        "json" => ResponseFormat.Json,
        "text" => ResponseFormat.Text,
        "srt" => ResponseFormat.Srt,
        "verbose_json" => ResponseFormat.VerboseJson,
        "vtt" => ResponseFormat.Vtt,
        _ => throw Bad($"unknown response_format '{value}'; expected json, text, srt, verbose_json or vtt", "response_format"),
    };

    private static void Granularities(IFormCollection form, ResponseFormat format)
    {
        foreach (var key in (string[])["timestamp_granularities[]", "timestamp_granularities"])
        {
            foreach (var g in form[key])
            {
                if (g == "segment") continue;
                if (g == "word") throw Bad("timestamp_granularities 'word' is not supported yet; use 'segment'", key);
                throw Bad($"unknown timestamp granularity '{g}'; expected segment", key);
            }
            if (form[key].Count > 0 && format != ResponseFormat.VerboseJson)
                throw Bad("timestamp_granularities needs response_format verbose_json", key);
        }
    }

    private static string? Language(string? value)
    {
        if (value is null || value.Equals("auto", StringComparison.OrdinalIgnoreCase)) return null;
        var index = WhisperLanguages.IndexOf(value);
        if (index < 0) throw Bad($"unknown language '{value}'; expected an ISO-639-1 code such as en, no, de", "language");
        return WhisperLanguages.Codes[index];
    }

    /// <summary>openai's API: 0 (the default) falls back through the server's schedule; above 0, that temperature only.</summary>
    private static IReadOnlyList<float> Temperature(IFormCollection form, TranscriptionOptions defaults)
    {
        if (Number(form, "temperature") is not { } t || t == 0) return defaults.Temperatures;
        if (t is < 0 or > 1) throw Bad($"temperature must be between 0 and 1, got {t.ToString(CultureInfo.InvariantCulture)}", "temperature");
        return [(float)t];
    }

    private static string? Text(IFormCollection form, string field)
    {
        var values = form[field];
        if (values.Count > 1) throw Bad($"'{field}' is given {values.Count} times", field);
        return values.Count == 0 || string.IsNullOrEmpty(values[0]) ? null : values[0];
    }

    private static double? Number(IFormCollection form, string field)
    {
        if (Text(form, field) is not { } text) return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)) return value;
        throw Bad($"'{field}' must be a number, got '{text}'", field);
    }

    private static int? Int(IFormCollection form, string field, int min)
    {
        if (Text(form, field) is not { } text) return null;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min) return value;
        throw Bad($"'{field}' must be an integer of at least {min}, got '{text}'", field);
    }

    private static bool? Bool(IFormCollection form, string field) => Text(form, field)?.ToLowerInvariant() switch
    {
        null => null,
        "true" or "1" => true,
        "false" or "0" => false,
        var other => throw Bad($"'{field}' must be true or false, got '{other}'", field),
    };

    private static OpenAiException Bad(string message, string? param) => new(400, message, param);
}
