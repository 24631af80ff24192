using KubeLab.Simulator.Runtime;
using KubeLab.Simulator.Runtime.Shell;

namespace KubeLab.Simulator.Tests.Runtime.Shell;

/// <summary>tail -f/-F following a file, the sidecar manifest's command, and interactive sessions on stdin.</summary>
public class FollowAndSessionTests
{
    private readonly ShellHarness sh = new();

    [Fact]
    public async Task Tail_f_prints_appended_lines_until_killed()
    {
        sh.Files.WriteFile("/logs/app.log", "old 1\nold 2\n");
        var stdout = new BufferOutput();
        using var kill = new CancellationTokenSource();
        var run = sh.Image.Lookup("tail", "/bin")!.Value.Program.RunAsync(sh.Process(stdout, new BufferOutput()), ["tail", "-n", "1", "-f", "/logs/app.log"], kill.Token);
        await ShellHarness.Until(() => stdout.ToString() == "old 2\n", "the last line");
        sh.Files.WriteFile("/logs/app.log", "new 3\n", append: true);
        await ShellHarness.Until(() => stdout.ToString() == "old 2\nnew 3\n", "the appended line");
        Assert.False(run.IsCompleted);
        kill.Cancel();
        Assert.Equal(137, await run.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Sidecar_command_follows_a_log_created_later_and_exits_0_on_TERM()
    {
        // manifests/01-pods/web-with-sidecar.yaml, log-shipper container.
        using var term = new CancellationTokenSource();
        var (stdout, stderr) = (new BufferOutput(), new BufferOutput());
        var script = "trap 'exit 0' TERM; touch /logs/access.log; tail -F /logs/access.log & wait";
        var run = new ShellProgram().RunAsync(sh.Process(stdout, stderr, terminating: term.Token, init: true), ["sh", "-c", script], CancellationToken.None);
        await ShellHarness.Until(() => sh.Files.Exists("/logs/access.log"), "touch");
        await Task.Delay(100);
        sh.Files.WriteFile("/logs/access.log", "GET / 200\n", append: true);
        await ShellHarness.Until(() => stdout.ToString() == "GET / 200\n", "the access log line");
        term.Cancel();
        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("", stderr.ToString());
    }

    [Fact]
    public async Task Tail_F_waits_for_a_missing_file()
    {
        var stdout = new BufferOutput();
        var stderr = new BufferOutput();
        using var kill = new CancellationTokenSource();
        var run = sh.Image.Lookup("tail", "/bin")!.Value.Program.RunAsync(sh.Process(stdout, stderr), ["tail", "-F", "/logs/later.log"], kill.Token);
        await ShellHarness.Until(() => stderr.ToString().Length > 0, "the warning");
        Assert.Equal("tail: can't open '/logs/later.log': No such file or directory\n", stderr.ToString());
        sh.Files.WriteFile("/logs/later.log", "appeared\n");
        await ShellHarness.Until(() => stdout.ToString() == "appeared\n", "the new file's content");
        kill.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Interactive_shell_reads_commands_from_stdin()
    {
        var input = new Pipe();
        await input.WriteAsync("echo hi\nif true\nthen echo multi\nfi\nnosuch\nexit 3\necho never\n", default);
        input.Close();
        var r = await sh.RunAsync(["sh"], input);
        Assert.Equal((3, "hi\nmulti\n", "sh: nosuch: not found\n"), (r.Status, r.Out, r.Err));
    }

    [Fact]
    public async Task Terminal_session_prompts_and_echoes()
    {
        sh.Environment["TERM"] = "xterm";
        var input = new Pipe();
        await input.WriteAsync("cd /tmp\recho hi\r", default);
        input.Close();
        var r = await sh.RunAsync(["sh"], input);
        Assert.Equal("/ # cd /tmp\n/tmp # echo hi\nhi\n/tmp # \n", r.Out);
    }

    [Fact]
    public async Task Commands_read_the_rest_of_the_session_input()
    {
        var input = new Pipe();
        await input.WriteAsync("read name\nworld\necho hello $name\n", default);
        input.Close();
        var r = await sh.RunAsync(["sh"], input);
        Assert.Equal("hello world\n", r.Out);
    }
}
