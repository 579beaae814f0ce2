namespace Hark.Audio;

/// <summary>
/// Slaney-style mel filter bank exactly as librosa's <c>filters.mel(sr, n_fft, n_mels)</c> (htk=False, norm="slaney",
/// fmin 0, fmax sr/2) builds it — the matrices openai-whisper ships in <c>mel_filters.npz</c>. Computed in float64,
/// rounded to float32 like librosa's output.
/// </summary>
internal static class MelFilterBank
{
    /// <summary>Builds the bank as a row-major <c>[nMels, nFft/2 + 1]</c> matrix.</summary>
    /// <param name="nMels">Mel bins (Whisper: 80, or 128 for the large-v3 family).</param>
    /// <param name="nFft">FFT size (Whisper: 400, giving 201 frequency bins).</param>
    /// <param name="sampleRate">Sample rate in Hz (Whisper: 16000).</param>
    public static float[] Create(int nMels, int nFft = AudioConstants.NFft, int sampleRate = AudioConstants.SampleRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nMels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(nFft, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1);
        var bins = nFft / 2 + 1;
        var fftFreqs = new double[bins];
        for (var k = 0; k < bins; k++) fftFreqs[k] = (double)k * sampleRate / nFft;

        // nMels + 2 band edges evenly spaced on the mel scale between 0 Hz and Nyquist (numpy.linspace semantics).
        double minMel = HzToMel(0), maxMel = HzToMel(sampleRate / 2.0);
        var edges = new double[nMels + 2];
        var step = (maxMel - minMel) / (nMels + 1);
        for (var i = 0; i < edges.Length; i++) edges[i] = MelToHz(i * step + minMel);
        edges[^1] = MelToHz(maxMel);

        var weights = new float[nMels * bins];
        for (var m = 0; m < nMels; m++)
        {
            double lowerWidth = edges[m + 1] - edges[m], upperWidth = edges[m + 2] - edges[m + 1];
            var norm = 2.0 / (edges[m + 2] - edges[m]); // Slaney: constant energy per band
            for (var k = 0; k < bins; k++)
            {
                var lower = (fftFreqs[k] - edges[m]) / lowerWidth;
                var upper = (edges[m + 2] - fftFreqs[k]) / upperWidth;
                weights[m * bins + k] = (float)(Math.Max(0, Math.Min(lower, upper)) * norm);
            }
        }
        return weights;
    }

    // Slaney's auditory-toolbox mel scale: linear below 1 kHz (200/3 Hz per mel), logarithmic above.
    private const double HzPerMel = 200.0 / 3;
    private const double LogStartHz = 1000;
    private const double LogStartMel = LogStartHz / HzPerMel;
    private static readonly double LogStep = Math.Log(6.4) / 27;

    internal static double HzToMel(double hz) =>
        hz >= LogStartHz ? LogStartMel + Math.Log(hz / LogStartHz) / LogStep : hz / HzPerMel;

    internal static double MelToHz(double mel) =>
        mel >= LogStartMel ? LogStartHz * Math.Exp(LogStep * (mel - LogStartMel)) : HzPerMel * mel;
}
