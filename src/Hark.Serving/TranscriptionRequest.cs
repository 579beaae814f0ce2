using Hark.Transcription;
using Microsoft.AspNetCore.Http;

namespace Hark.Serving;

/// <summary>A transcription or translation request, read from its form and checked before any audio is decoded.</summary>
/// <param name="Model">The served model's name.</param>
/// <param name="File">The uploaded audio.</param>
/// <param name="Format">How to answer.</param>
/// <param name="Stream">Answer with server-sent events, one per segment as it is final.</param>
/// <param name="Options">Decoding options: the server's defaults with the form's fields applied.</param>
internal sealed record TranscriptionRequest(string Model, IFormFile File, ResponseFormat Format, bool Stream, TranscriptionOptions Options);
