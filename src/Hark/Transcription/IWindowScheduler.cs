using Hark.Decoding;

namespace Hark.Transcription;

/// <summary>
/// Where a sequential run sends each window: by default it is encoded and decoded at once on its own; a server's
/// scheduler gathers the windows of concurrent runs and decodes them together
/// (<see cref="TranscriptionPipeline.DecodeTogether"/>), each with its own options.
/// </summary>
internal interface IWindowScheduler
{
    /// <summary>Encodes and decodes <paramref name="work"/>, completing when its result is final.</summary>
    Task<DecodingResult> DecodeAsync(WindowWork work, CancellationToken cancellationToken);
}
