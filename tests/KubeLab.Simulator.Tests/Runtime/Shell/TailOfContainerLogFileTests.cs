using KubeLab.Simulator.Kubelet;
using KubeLab.Simulator.Runtime;
using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Tests.Runtime.Shell;

/// <summary>A log agent's <c>tail -f</c> of a node log file (a view of the container's log) prints each line as it is written.</summary>
public class TailOfContainerLogFileTests
{
    private readonly ShellHarness sh = new();

    [Fact]
    public async Task Tail_f_of_a_container_log_file_prints_lines_as_the_container_writes_them()
    {
        var log = new ContainerLog(0);
        var t0 = new DateTimeOffset(2026, 12, 4, 1, 0, 0, TimeSpan.Zero);
        log.Write("stdout", "started\n", t0);
        Assert.IsType<DirectoryNode>(sh.Files.Find("/logs")).Set("0.log", new RegularFile(new CriLogView(log)));
        var stdout = new BufferOutput();
        using var kill = new CancellationTokenSource();
        var run = sh.Image.Lookup("tail", "/bin")!.Value.Program.RunAsync(sh.Process(stdout, new BufferOutput()), ["tail", "-f", "/logs/0.log"], kill.Token);
        await ShellHarness.Until(() => stdout.ToString() == "2026-12-04T01:00:00Z stdout F started\n", "the first line");

        log.Write("stderr", "warming up\n", t0.AddSeconds(1));
        await ShellHarness.Until(() => stdout.ToString().EndsWith("2026-12-04T01:00:01Z stderr F warming up\n", StringComparison.Ordinal), "the new line");
        log.Write("stdout", "ready\n", t0.AddSeconds(2));
        log.Close(t0.AddSeconds(3));
        await ShellHarness.Until(() => stdout.ToString().EndsWith("F ready\n", StringComparison.Ordinal), "the last line");

        Assert.Equal(3, stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.False(run.IsCompleted); // tail -f keeps following the finished container's file until killed
        kill.Cancel();
        Assert.Equal(137, await run.WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
