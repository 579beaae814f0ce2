using Hark.Transcription;
using Microsoft.Extensions.AI;
using TranscriptionOptions = Hark.Transcription.TranscriptionOptions;
using Microsoft.Extensions.DependencyInjection;

namespace Hark.AI;

/// <summary>Registers a <see cref="WhisperSpeechToTextClient"/> as the application's <see cref="ISpeechToTextClient"/>.</summary>
public static class SpeechToTextServiceCollectionExtensions
{
    /// <summary>
    /// Adds a singleton <see cref="ISpeechToTextClient"/> over <paramref name="model"/> (loaded once by the caller, who
    /// keeps ownership of it).
    /// </summary>
    public static IServiceCollection AddWhisperSpeechToText(this IServiceCollection services, WhisperModel model, string modelId,
        TranscriptionOptions? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var client = new WhisperSpeechToTextClient(model, modelId, defaults);
        services.AddSingleton<ISpeechToTextClient>(client);
        services.AddSingleton(client);
        return services;
    }
}
