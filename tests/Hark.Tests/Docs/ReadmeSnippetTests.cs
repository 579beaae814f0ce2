using System.Text.RegularExpressions;
using Hark.Transcription;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Hark.Tests.Docs;

/// <summary>
/// The README's C# snippets compile as pasted into a new console project (<c>dotnet new console</c>: top-level
/// statements, implicit usings) that references Hark.
/// </summary>
public partial class ReadmeSnippetTests
{
    /// <summary>The usings a console project gets from <c>ImplicitUsings</c>.</summary>
    private const string ImplicitUsings =
        "global using System; global using System.IO; global using System.Collections.Generic; global using System.Linq; " +
        "global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;";

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    public static TheoryData<int> Snippets()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < CSharpBlock().Count(Readme()); i++) data.Add(i);
        return data;
    }

    [Fact]
    public void The_readme_has_a_library_snippet() => Assert.NotEmpty(Snippets());

    [Theory]
    [MemberData(nameof(Snippets))]
    public void Readme_csharp_snippet_compiles_as_pasted_into_a_console_project(int index)
    {
        var code = CSharpBlock().Matches(Readme())[index].Groups[1].Value;
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        Assert.NotNull(typeof(WhisperModel).Assembly.Location); // Hark is among the test's own references
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is not ("Hark.Tests.dll" or "Hark.Cli.dll")) // the framework, Hark and what Hark uses
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("ReadmeSnippet",
            [CSharpSyntaxTree.ParseText(ImplicitUsings, parse), CSharpSyntaxTree.ParseText(code, parse)],
            references, new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.True(errors.Count == 0, "README snippet " + index + ":\n" + string.Join("\n", errors) + "\n" + code);
    }

    private static string Readme() => File.ReadAllText(Path.Combine(Fixtures.RepoRoot, "README.md")).ReplaceLineEndings("\n");
}
