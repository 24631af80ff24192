using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Tests.Runtime.Shell;

/// <summary>Redirections to files and between streams, and pipelines.</summary>
public class ShellRedirectionTests
{
    private readonly ShellHarness sh = new();

    [Fact]
    public async Task Output_to_files_truncates_or_appends()
    {
        var r = await sh.ShAsync("echo one > /tmp/f; echo two >> /tmp/f; echo three >> /tmp/f; cat < /tmp/f; echo gone > /dev/null");
        Assert.Equal("one\ntwo\nthree\n", r.Out);
        Assert.Equal("one\ntwo\nthree\n", sh.Files.ReadAllText("/tmp/f"));
    }

    [Fact]
    public async Task Stderr_redirections()
    {
        var r = await sh.ShAsync("cat /nope 2>/dev/null; echo $?; cat /nope 2>&1 | grep -c open; ls /nope >/dev/null 2>&1");
        Assert.Equal("1\n1\n", r.Out);
        Assert.Equal("", r.Err);
        var order = await sh.ShAsync("cat /nope 2>&1 >/dev/null");
        Assert.Equal("cat: can't open '/nope': No such file or directory\n", order.Out); // 2>&1 took stdout before it moved
    }

    [Fact]
    public async Task Redirection_failures_use_ash_texts_and_status_1()
    {
        var r = await sh.ShAsync("echo x > /missing/dir/f; echo $?; cat < /none; echo $?");
        Assert.Equal("1\n1\n", r.Out);
        Assert.Equal("sh: can't create /missing/dir/f: nonexistent directory\nsh: can't open /none: no such file\n", r.Err);
    }

    [Fact]
    public async Task Read_only_mount_refuses_writes()
    {
        sh.Files.Mount("/config", new DirectoryNode(), readOnly: true);
        var r = await sh.ShAsync("echo x > /config/f");
        Assert.Equal((1, "sh: can't create /config/f: Read-only file system\n"), (r.Status, r.Err));
    }

    [Fact]
    public async Task Pipelines_connect_processes_and_report_the_last_status()
    {
        var r = await sh.ShAsync("printf 'b\\na\\nb\\n' | grep b | wc -l; echo a b c | wc -w; false | true; echo $?; true | false; echo $?");
        Assert.Equal("2\n3\n0\n1\n", r.Out);
    }

    [Fact]
    public async Task A_writer_stops_when_its_reader_has_exited()
    {
        // SIGPIPE: the endless loop ends once head has its two lines.
        var r = await sh.ShAsync("while true; do echo y; done | head -n 2; echo after");
        Assert.Equal("y\ny\nafter\n", r.Out);
    }

    [Fact]
    public async Task Pipeline_elements_are_subshells()
    {
        var r = await sh.ShAsync("x=outer; echo inner | read x; echo $x; (x=sub; exit 5); echo $? $x");
        Assert.Equal("outer\n5 outer\n", r.Out);
    }

    [Fact]
    public async Task Background_jobs_and_wait()
    {
        var r = await sh.ShAsync("(sleep 2; echo late) & echo early; wait $!; echo \"waited $?\"");
        Assert.Equal("early\nlate\nwaited 0\n", r.Out);
    }
}
