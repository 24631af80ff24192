namespace KubeLab.Simulator.Tests.Runtime.Shell;

/// <summary>Syntax errors (status 2), unknown commands (127) and unsupported features, with busybox ash's wording.</summary>
public class ShellErrorTests
{
    private readonly ShellHarness sh = new();

    [Theory]
    [InlineData("if true; then echo x", "syntax error: unexpected end of file (expecting \"fi\")")]
    [InlineData("echo a; fi", "syntax error: unexpected \"fi\"")]
    [InlineData("if true; fi", "syntax error: unexpected \"fi\" (expecting \"then\")")]
    [InlineData("while true; do echo", "syntax error: unexpected end of file (expecting \"done\")")]
    [InlineData("echo 'open", "syntax error: unterminated quoted string")]
    [InlineData("&& echo", "syntax error: unexpected \"&&\"")]
    [InlineData("echo ${x!y}", "syntax error: bad substitution")]
    public async Task Syntax_errors_exit_2_with_ash_wording(string script, string message)
    {
        var r = await sh.ShAsync(script);
        Assert.Equal(2, r.Status);
        Assert.Equal("sh: " + message + "\n", r.Err);
        Assert.Equal("", r.Out); // nothing of the line ran
    }

    [Fact]
    public async Task Earlier_lines_run_before_a_later_syntax_error()
    {
        var r = await sh.ShAsync("echo one\nfi");
        Assert.Equal((2, "one\n"), (r.Status, r.Out));
    }

    [Fact]
    public async Task Unknown_command_is_127_with_not_found()
    {
        var r = await sh.ShAsync("python app.py; echo $?");
        Assert.Equal("127\n", r.Out);
        Assert.Equal("sh: python: not found\n", r.Err);
    }

    [Fact]
    public async Task Script_file_messages_carry_its_name_and_line()
    {
        sh.Files.WriteFile("/tmp/run.sh", "echo start\nnosuch\n");
        var r = await sh.RunAsync(["sh", "/tmp/run.sh"]);
        Assert.Equal((127, "start\n", "/tmp/run.sh: line 2: nosuch: not found\n"), (r.Status, r.Out, r.Err));
        var missing = await sh.RunAsync(["sh", "/tmp/none.sh"]);
        Assert.Equal((127, "sh: can't open '/tmp/none.sh': No such file or directory\n"), (missing.Status, missing.Err));
    }

    [Fact]
    public async Task Programs_come_only_from_the_image()
    {
        var r = await sh.ShAsync("/bin/echo direct; /usr/bin/wget --version");
        Assert.Equal("direct\n", r.Out);
        Assert.Equal("sh: /usr/bin/wget: not found\n", r.Err);
    }

    [Fact]
    public async Task Unsupported_features_fail_clearly()
    {
        var heredoc = await sh.ShAsync("cat <<EOF\nx\nEOF");
        Assert.Equal(2, heredoc.Status);
        Assert.Contains("not implemented in the simulator's shell", heredoc.Err);
        var setE = await sh.ShAsync("set -e; echo after");
        Assert.Contains("set: line 1: -e: not implemented in the simulator's shell", setE.Err);
    }

    [Fact]
    public async Task Parameter_error_ends_the_shell()
    {
        var r = await sh.ShAsync("echo ${NEEDED:?must be set}; echo unreachable");
        Assert.Equal((2, "", "sh: NEEDED: must be set\n"), (r.Status, r.Out, r.Err));
    }
}
