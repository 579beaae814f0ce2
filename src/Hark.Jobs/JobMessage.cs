using Hark.Transcription;

namespace Hark.Jobs;

/// <summary>The body of a job message: what to transcribe and how. The audio itself is in the audio bucket under <paramref name="Id"/>.</summary>
/// <param name="Id">The job id.</param>
/// <param name="FileName">The submitted file's name.</param>
/// <param name="Options">Transcription options, exactly as the submitter gave them.</param>
/// <param name="SubmittedAt">When the client submitted it.</param>
internal sealed record JobMessage(string Id, string FileName, TranscriptionOptions Options, DateTimeOffset SubmittedAt);
