using Hark.Transcription;

namespace Hark.Serving;

/// <summary>A loaded model under the name clients ask for (the <c>model</c> form field, <c>/v1/models</c> ids).</summary>
/// <param name="Name">The id clients use.</param>
/// <param name="Model">The model, loaded once and shared by every request (the server does not dispose it).</param>
/// <param name="Source">What it was loaded from (a folder, alias or repo id), shown at start-up.</param>
public sealed record ServedModel(string Name, WhisperModel Model, string Source);
