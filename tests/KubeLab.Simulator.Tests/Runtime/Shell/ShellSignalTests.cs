using KubeLab.Simulator.Runtime;
using KubeLab.Simulator.Runtime.Shell;

namespace KubeLab.Simulator.Tests.Runtime.Shell;

/// <summary>SIGTERM (the kubelet stopping a container) and SIGKILL, with and without <c>trap</c>.</summary>
public class ShellSignalTests
{
    private readonly ShellHarness sh = new();

    private (Task<int> Run, CancellationTokenSource Term, CancellationTokenSource Kill, BufferOutput Out) Start(string script, bool init)
    {
        var term = new CancellationTokenSource();
        var kill = new CancellationTokenSource();
        var stdout = new BufferOutput();
        var process = sh.Process(stdout, new BufferOutput(), terminating: term.Token, init: init);
        var run = new ShellProgram().RunAsync(process, ["sh", "-c", script], kill.Token);
        return (run, term, kill, stdout);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Trap_on_TERM_interrupts_wait_and_exits_promptly(bool init)
    {
        var (run, term, _, stdout) = Start("trap 'echo bye; exit 0' TERM; echo ready; sleep 3600 & wait", init);
        await ShellHarness.Until(() => stdout.ToString() == "ready\n", "the script to start");
        await Task.Delay(50);
        term.Cancel();
        // 3600 simulated seconds are 3.6 real ones at 1000x: finishing well before proves the trap ended the wait.
        var status = await run.WaitAsync(TimeSpan.FromSeconds(3));
        Assert.Equal(0, status);
        Assert.Equal("ready\nbye\n", stdout.ToString());
    }

    /// <summary>execve keeps the PID: the program exec'd by the container's shell is PID 1 and gets the kubelet's SIGTERM
    /// (what `command: ["sh", "-c", "setup && exec server"]` relies on). Without exec a child of the shell never sees it.</summary>
    [Fact]
    public async Task Exec_hands_SIGTERM_to_the_program_that_replaced_the_shell()
    {
        var (run, term, _, stdout) = Start("exec sh -c 'trap \"echo got TERM; exit 3\" TERM; echo ready; sleep 3600 & wait'", init: true);
        await ShellHarness.Until(() => stdout.ToString() == "ready\n", "the exec'd shell to start");
        await Task.Delay(50);
        term.Cancel();
        Assert.Equal(3, await run.WaitAsync(TimeSpan.FromSeconds(3)));
        Assert.Equal("ready\ngot TERM\n", stdout.ToString());
    }

    [Fact]
    public async Task Without_trap_SIGTERM_ends_an_ordinary_shell_with_143()
    {
        var (run, term, _, _) = Start("sleep 3600", init: false);
        await Task.Delay(100);
        term.Cancel();
        Assert.Equal(143, await run.WaitAsync(TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task As_PID_1_without_trap_SIGTERM_is_ignored_until_SIGKILL()
    {
        var (run, term, kill, _) = Start("sleep 3600", init: true);
        await Task.Delay(100);
        term.Cancel();
        await Task.Delay(300);
        Assert.False(run.IsCompleted);
        kill.Cancel();
        Assert.Equal(137, await run.WaitAsync(TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task Trap_runs_after_the_foreground_command_finishes()
    {
        var (run, term, _, stdout) = Start("trap 'echo trapped; exit 9' TERM; sleep 1000; echo not-reached", init: true);
        await Task.Delay(100);
        term.Cancel();
        await Task.Delay(200);
        Assert.False(run.IsCompleted); // sleep 1000 (1 real second at 1000x) still runs, as in ash
        Assert.Equal(9, await run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("trapped\n", stdout.ToString());
    }

    [Fact]
    public async Task Exit_trap_runs_when_the_shell_ends()
    {
        var r = await sh.ShAsync("trap 'echo cleanup' EXIT; echo work; exit 4");
        Assert.Equal((4, "work\ncleanup\n"), (r.Status, r.Out));
    }

    [Fact]
    public async Task Kill_builtin_signals_a_background_job()
    {
        var r = await sh.ShAsync("sleep 3600 & kill $!; wait $!; echo $?");
        Assert.Equal("143\n", r.Out);
    }
}
