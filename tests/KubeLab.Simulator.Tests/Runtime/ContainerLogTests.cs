using KubeLab.Simulator.Runtime;

namespace KubeLab.Simulator.Tests.Runtime;

/// <summary>A container log splits output into lines, holds a partial line, and shares identical lines across containers.</summary>
public class ContainerLogTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 0, 44, 29, TimeSpan.Zero);

    [Fact]
    public void Identical_lines_of_two_pods_are_one_string()
    {
        var a = new ContainerLog(0);
        var b = new ContainerLog(0);
        // Built at run time, as a program formats them: equal text, distinct instances before the log sees them.
        var line = string.Concat("2026/12/04 00:44:29 [notice] 1#1: ", "built by gcc 12.2.0");
        a.Write("stderr", line + "\n", T0);
        b.Write("stderr", new string(line.AsSpan()) + "\n", T0);

        Assert.Equal(line, a.Snapshot()[0].Line);
        Assert.True(ReferenceEquals(a.Snapshot()[0].Line, b.Snapshot()[0].Line));
    }

    [Fact]
    public void A_line_completed_over_several_writes_is_shared_too()
    {
        var a = new ContainerLog(0);
        var b = new ContainerLog(0);
        a.Write("stdout", "/docker-entrypoint.sh: Configuration complete; ready for start up\n", T0);
        b.Write("stdout", "/docker-entrypoint.sh: Configuration ", T0);
        b.Write("stdout", "complete; ready for start up\nnext", T0);

        Assert.Equal(1, b.Count);
        Assert.True(ReferenceEquals(a.Snapshot()[0].Line, b.Snapshot()[0].Line));
    }

    [Fact]
    public void Lines_longer_than_the_pooled_length_are_kept_whole_but_not_shared()
    {
        var a = new ContainerLog(0);
        var b = new ContainerLog(0);
        var longLine = new string('x', ContainerLog.PooledLineLength + 1);
        a.Write("stdout", longLine + "\n", T0);
        b.Write("stdout", longLine + "\n", T0);

        Assert.Equal(longLine, a.Snapshot()[0].Line);
        Assert.False(ReferenceEquals(a.Snapshot()[0].Line, b.Snapshot()[0].Line));
    }

    [Fact]
    public void Partial_lines_wait_for_their_newline_per_stream_and_close_flushes_them_in_first_write_order()
    {
        var log = new ContainerLog(0);
        log.Write("stderr", "err-", T0);
        log.Write("stdout", "out 1\nout-", T0);
        log.Write("stderr", "a\n\nerr-b", T0.AddSeconds(1));
        log.Close(T0.AddSeconds(2));
        log.Write("stdout", "after close\n", T0.AddSeconds(3));

        Assert.Equal(
            [("stdout", "out 1", T0), ("stderr", "err-a", T0.AddSeconds(1)), ("stderr", "", T0.AddSeconds(1)),
             ("stderr", "err-b", T0.AddSeconds(2)), ("stdout", "out-", T0.AddSeconds(2))],
            log.Snapshot().Select(e => (e.Stream, e.Line, e.Time)));
        Assert.True(log.Closed);
    }

    [Fact]
    public async Task A_follower_wakes_on_a_complete_line_not_on_a_partial_one()
    {
        var log = new ContainerLog(0);
        var wait = log.WaitBeyondAsync(0, CancellationToken.None);
        log.Write("stdout", "no newline yet", T0);
        await Task.Delay(50);
        Assert.False(wait.IsCompleted);
        log.Write("stdout", "\n", T0);
        await wait.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("no newline yet", log.Snapshot().Single().Line);
        Assert.Equal(T0, log.LastWritten);
    }
}
