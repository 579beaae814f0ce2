using Hark;
using Hark.Hub;

namespace Hark.Tests.Hub;

public class ModelReferenceTests
{
    [Theory]
    [InlineData("tiny", "openai/whisper-tiny", "main")]
    [InlineData("tiny.en", "openai/whisper-tiny.en", "main")]
    [InlineData("base.en", "openai/whisper-base.en", "main")]
    [InlineData("small", "openai/whisper-small", "main")]
    [InlineData("medium.en", "openai/whisper-medium.en", "main")]
    [InlineData("large-v2", "openai/whisper-large-v2", "main")]
    [InlineData("large-v3", "openai/whisper-large-v3", "main")]
    [InlineData("LARGE-V3-TURBO", "openai/whisper-large-v3-turbo", "main")]
    [InlineData("small@refs/pr/3", "openai/whisper-small", "refs/pr/3")]
    [InlineData("NbAiLab/nb-whisper-small", "NbAiLab/nb-whisper-small", "main")]
    [InlineData("openai/whisper-small@main", "openai/whisper-small", "main")]
    [InlineData("org/model.v2@0123456789abcdef0123456789abcdef01234567", "org/model.v2", "0123456789abcdef0123456789abcdef01234567")]
    public void Aliases_and_repo_ids_parse_with_their_revision(string argument, string repo, string revision)
    {
        var r = ModelReference.Parse(argument);
        Assert.False(r.IsLocal);
        Assert.Equal(repo, r.RepoId);
        Assert.Equal(revision, r.Revision);
    }

    [Fact]
    public void Every_alias_names_an_openai_whisper_repo()
    {
        Assert.Equal(11, ModelReference.Aliases.Count);
        Assert.All(ModelReference.Aliases, a => Assert.Equal("openai/whisper-" + a.Key, a.Value));
    }

    [Fact]
    public void An_existing_folder_is_local()
    {
        using var dir = new TempDir();
        var r = ModelReference.Parse(dir.FullName);
        Assert.True(r.IsLocal);
        Assert.Equal(dir.FullName, r.LocalFolder);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("whisper")]
    [InlineData("a/b/c")]
    [InlineData("./missing-model")]
    [InlineData("/definitely/not/here")]
    [InlineData("org/na me")]
    [InlineData("org/name@")]
    [InlineData("org/name@..")]
    [InlineData("org--x/name")]
    public void Anything_else_is_refused_naming_the_option(string argument)
    {
        var ex = Assert.Throws<HarkInputException>(() => ModelReference.Parse(argument));
        Assert.Equal("--model", ex.Field);
    }

    [Fact]
    public void Environment_variables_configure_the_hub_like_huggingface_hub()
    {
        using var home = new TempDir();
        File.WriteAllText(Path.Combine(home.FullName, "token"), "hf_from_file\n");
        var o = HubOptions.FromEnvironment(new Dictionary<string, string> { ["HF_HOME"] = home.FullName });
        Assert.Equal(Path.Combine(home.FullName, "hub"), o.CacheDirectory);
        Assert.Equal("hf_from_file", o.Token);
        Assert.False(o.Offline);
        Assert.Equal(new Uri("https://huggingface.co"), o.Endpoint);

        var e = HubOptions.FromEnvironment(new Dictionary<string, string>
        {
            ["HF_HOME"] = home.FullName,
            ["HF_HUB_CACHE"] = "/srv/cache",
            ["HF_TOKEN"] = "hf_env",
            ["HF_HUB_OFFLINE"] = "1",
            ["HF_ENDPOINT"] = "https://mirror.example/",
        });
        Assert.Equal("/srv/cache", e.CacheDirectory);
        Assert.Equal("hf_env", e.Token);
        Assert.True(e.Offline);
        Assert.Equal("mirror.example", e.Endpoint.Host);

        Assert.True(HubOptions.FromEnvironment(new Dictionary<string, string> { ["HF_HUB_OFFLINE"] = "true" }).Offline);
        Assert.False(HubOptions.FromEnvironment(new Dictionary<string, string> { ["HF_HUB_OFFLINE"] = "0" }).Offline);
    }
}

public class ModelArgumentTests
{
    [Fact]
    public async Task The_cli_helper_resolves_through_the_cache()
    {
        using var kit = new HubTestKit();
        var folder = await Cli.ModelArgument.ResolveAsync("tiny", CancellationToken.None, kit.Options());
        Assert.True(File.Exists(Path.Combine(folder, "config.json")));
        Assert.Equal(folder, await Cli.ModelArgument.ResolveAsync(folder, CancellationToken.None, kit.Options()));
        Assert.Equal("--model", Cli.ModelArgument.CreateOption().Name);
    }
}
