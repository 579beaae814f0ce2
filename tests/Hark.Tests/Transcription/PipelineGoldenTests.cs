namespace Hark.Tests.Transcription;

/// <summary>
/// Behaviour is unchanged by the window pipeline: the tokens, seeks and temperatures of every segment equal those
/// recorded before it (see <see cref="PipelineGoldens"/>).
/// </summary>
public class PipelineGoldenTests
{
    private static readonly Lazy<Dictionary<string, PipelineGoldens.GoldenRun>> Goldens = new(PipelineGoldens.Load);

    public static TheoryData<string> CaseNames() => [.. PipelineGoldens.Cases.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Segments_reproduce_the_tokens_recorded_before_the_pipeline(string name)
    {
        var c = PipelineGoldens.Cases.Single(x => x.Name == name);
        var expected = Goldens.Value[name];
        using var model = PipelineGoldens.Model(c.Preset);
        var actual = await PipelineGoldens.Run(model, c);
        Assert.Equal(expected.Language, actual.Language);
        Assert.Equal(expected.Segments.Length, actual.Segments.Length);
        for (var i = 0; i < expected.Segments.Length; i++)
        {
            Assert.Equal(expected.Segments[i].Seek, actual.Segments[i].Seek);
            Assert.Equal(expected.Segments[i].Temperature, actual.Segments[i].Temperature);
            Assert.Equal(expected.Segments[i].Tokens, actual.Segments[i].Tokens);
        }
    }
}
