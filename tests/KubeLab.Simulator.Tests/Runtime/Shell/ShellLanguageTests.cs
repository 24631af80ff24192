namespace KubeLab.Simulator.Tests.Runtime.Shell;

/// <summary>The shell language subset: lists, exit statuses, expansion, quoting, compound commands.</summary>
public class ShellLanguageTests
{
    private readonly ShellHarness sh = new();

    [Theory]
    [InlineData("exit 3", 3)]
    [InlineData("exit 0", 0)]
    [InlineData("false", 1)]
    [InlineData("true", 0)]
    [InlineData("echo hi; exit 7", 7)]
    [InlineData("false && echo never", 1)]
    [InlineData("false || exit 4", 4)]
    [InlineData("sleep 1 && exit 2", 2)]
    [InlineData("! true", 1)]
    [InlineData("exit 256", 0)]
    [InlineData(":", 0)]
    public async Task Scripts_exit_with_shell_semantics(string script, int status) =>
        Assert.Equal(status, (await sh.ShAsync(script)).Status);

    [Fact]
    public async Task Echo_and_sequence()
    {
        var r = await sh.ShAsync("echo building the report; sleep 90; echo done");
        Assert.Equal((0, "building the report\ndone\n", ""), (r.Status, r.Out, r.Err));
    }

    [Fact]
    public async Task Variables_defaults_and_special_parameters()
    {
        var r = await sh.RunAsync(["sh", "-c", "A=1; echo $A ${A} ${B:-dflt} ${B-x} \"${A:+set}\" $# $1 $2 $0; false; echo $?", "name", "one", "two"]);
        Assert.Equal("1 1 dflt x set 2 one two name\n1\n", r.Out);
    }

    [Fact]
    public async Task Quotes_backslashes_and_field_splitting()
    {
        var r = await sh.ShAsync("x='a  b'; printf '[%s]' $x \"$x\" 'single $x' \\$x \"q\\\"uote\"; echo");
        Assert.Equal("[a][b][a  b][single $x][$x][q\"uote]\n", r.Out);
    }

    [Fact]
    public async Task Dollar_at_keeps_arguments_apart()
    {
        var r = await sh.RunAsync(["sh", "-c", "for a in \"$@\"; do echo \"<$a>\"; done; set -- x y; echo $#", "sh", "a b", "c"]);
        Assert.Equal("<a b>\n<c>\n2\n", r.Out);
    }

    [Fact]
    public async Task Command_substitution_and_arithmetic()
    {
        var r = await sh.ShAsync("n=$(echo 41); echo $((n + 1)) `echo back` \"$(printf 'a\\n\\n')\"; x=$(exit 3); echo $?");
        Assert.Equal("42 back a\n3\n", r.Out);
    }

    [Fact]
    public async Task Pattern_removal_and_length()
    {
        var r = await sh.ShAsync("f=/logs/access.log; echo ${f##*/} ${f%.log} ${#f} ${f#/}");
        Assert.Equal("access.log /logs/access 16 logs/access.log\n", r.Out);
    }

    [Fact]
    public async Task If_elif_else()
    {
        var r = await sh.ShAsync("for n in 1 2 3; do if [ $n -eq 1 ]; then echo one; elif test $n = 2; then echo two; else echo other; fi; done");
        Assert.Equal("one\ntwo\nother\n", r.Out);
    }

    [Fact]
    public async Task While_until_break_and_continue()
    {
        var r = await sh.ShAsync("i=0; while true; do i=$((i+1)); [ $i -eq 2 ] && continue; echo $i; [ $i -ge 4 ] && break; done; until [ $i -eq 0 ]; do i=$((i-2)); done; echo end $i");
        Assert.Equal("1\n3\n4\nend 0\n", r.Out);
    }

    [Fact]
    public async Task Case_and_functions()
    {
        var r = await sh.ShAsync("greet() { echo \"hello $1\"; return 3; }; greet you; echo $?; case web-0 in db-*) echo db;; web-*|api) echo web;; *) echo none;; esac");
        Assert.Equal("hello you\n3\nweb\n", r.Out);
    }

    [Fact]
    public async Task Prefix_assignment_only_reaches_that_command()
    {
        var r = await sh.ShAsync("GREETING=hi env | grep GREETING; echo \"[$GREETING]\"; export X=1; printenv X");
        Assert.Equal("GREETING=hi\n[]\n1\n", r.Out);
    }

    [Fact]
    public async Task Cd_changes_the_working_directory_of_later_commands()
    {
        var r = await sh.ShAsync("cd /tmp && touch here && ls /tmp && pwd; cd /nope; echo $?");
        Assert.Equal("here\n/tmp\n2\n", r.Out);
        Assert.Equal("sh: cd: line 1: can't cd to /nope: No such file or directory\n", r.Err);
    }

    [Fact]
    public async Task Read_takes_one_line_at_a_time()
    {
        sh.Files.WriteFile("/tmp/in", "first line\nsecond\n");
        var r = await sh.ShAsync("while read a b; do echo \"$b|$a\"; done < /tmp/in");
        Assert.Equal("line|first\n|second\n", r.Out);
    }

    [Fact]
    public async Task Globbing_expands_matching_paths()
    {
        sh.Files.WriteFile("/logs/a.log", "");
        sh.Files.WriteFile("/logs/b.log", "");
        sh.Files.WriteFile("/logs/c.txt", "");
        var r = await sh.ShAsync("echo /logs/*.log; echo '/logs/*.log'; echo /none/*");
        Assert.Equal("/logs/a.log /logs/b.log\n/logs/*.log\n/none/*\n", r.Out);
    }
}
