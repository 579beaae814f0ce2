using Hark.Cli;
using CsCheck;

namespace Hark.Tests.Fuzz;

public sealed class TerminalTextTests
{
    [Fact]
    public void Control_characters_are_shown_as_hex_escapes()
    {
        Assert.Equal(@"chunk \x1B[31mred\x1B[0m\x0D\x07", TerminalText.Escape("chunk \u001b[31mred\u001b[0m\r\a"));
        Assert.Equal(@"name\u202Egpj.exe", TerminalText.Escape("name\u202egpj.exe"));
        Assert.Equal("språk → 日本語 😀", TerminalText.Escape("språk → 日本語 😀"));
    }

    [Fact]
    public void Long_text_is_cut_saying_how_much_was_left_out()
    {
        var text = TerminalText.Escape(new string('a', 5000), 100);
        Assert.StartsWith(new string('a', 100) + "…", text);
        Assert.Contains("4900 more characters", text);
    }

    [Fact]
    public void Escaped_text_never_holds_a_control_character_and_stays_bounded()
    {
        Gen.String[Gen.Char, 0, 3000].Sample(s =>
        {
            var e = TerminalText.Escape(s);
            Assert.DoesNotContain(e, char.IsControl);
            Assert.True(e.Length <= TerminalText.DefaultMaxLength + 40);
        }, iter: 2000);
    }

    [Fact]
    public void Cli_errors_escape_what_came_from_a_file()
    {
        var stderr = new StringWriter();
        var code = CommandLineErrors.Report(new HarkInputException("bad chunk id '\u001b]0;pwned\u0007'", "/x/a.wav"), stderr, "hark");
        Assert.Equal(2, code);
        HostileKit.AssertOneCleanLine(stderr.ToString(), "report");
        Assert.Contains(@"\x1B]0;pwned\x07", stderr.ToString());
    }
}
