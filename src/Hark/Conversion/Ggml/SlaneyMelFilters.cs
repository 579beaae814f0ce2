using Hark.Audio;

namespace Hark.Conversion.Ggml;

/// <summary>
/// The mel filter bank whisper.cpp files embed: librosa's <c>filters.mel(sr=16000, n_fft=400, n_mels, htk=False,
/// norm="slaney")</c>, which is what openai's <c>mel_filters.npz</c> holds. Computed in float64 and stored as float32
/// in the same two steps librosa takes (triangle, then area normalisation), so values match the published table.
/// </summary>
public static class SlaneyMelFilters
{
    /// <summary>Frequency bins of a 400-point FFT (201).</summary>
    public const int FrequencyBins = AudioConstants.NFft / 2 + 1;

    /// <summary>The <c>[nMels, 201]</c> filter bank, row-major.</summary>
    public static float[] Create(int nMels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nMels, 1);
        const double sampleRate = AudioConstants.SampleRate;
        var fftFreqs = new double[FrequencyBins];
        for (var i = 0; i < FrequencyBins; i++) fftFreqs[i] = i * (sampleRate / AudioConstants.NFft);
        var melMax = HzToMel(sampleRate / 2);
        var melF = new double[nMels + 2];
        // numpy.linspace: i·step, with the last point pinned to the stop value.
        var step = melMax / (nMels + 1);
        for (var i = 0; i < melF.Length; i++) melF[i] = MelToHz(i == melF.Length - 1 ? melMax : i * step);
        var weights = new float[nMels * FrequencyBins];
        for (var m = 0; m < nMels; m++)
        {
            var lowerWidth = melF[m + 1] - melF[m];
            var upperWidth = melF[m + 2] - melF[m + 1];
            var enorm = 2.0 / (melF[m + 2] - melF[m]);
            for (var k = 0; k < FrequencyBins; k++)
            {
                var lower = -(melF[m] - fftFreqs[k]) / lowerWidth;
                var upper = (melF[m + 2] - fftFreqs[k]) / upperWidth;
                var tri = (float)Math.Max(0.0, Math.Min(lower, upper));
                weights[m * FrequencyBins + k] = (float)(tri * enorm);
            }
        }
        return weights;
    }

    private const double FSp = 200.0 / 3;
    private const double MinLogHz = 1000.0;
    private const double MinLogMel = MinLogHz / FSp;
    private static readonly double LogStep = Math.Log(6.4) / 27.0;

    private static double HzToMel(double hz) => hz >= MinLogHz ? MinLogMel + Math.Log(hz / MinLogHz) / LogStep : hz / FSp;

    private static double MelToHz(double mel) => mel >= MinLogMel ? MinLogHz * Math.Exp(LogStep * (mel - MinLogMel)) : FSp * mel;
}
