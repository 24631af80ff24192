using System.Text;
using KubeLab.Simulator.Kubelet;
using KubeLab.Simulator.Runtime;
using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Tests.Kubelet;

/// <summary>
/// The node's /var/log/pods file of a container run is a view of its <see cref="ContainerLog"/> (<see cref="CriLogView"/>):
/// what a reader gets is what the CRI log file would hold at that moment, and followers wake on new lines.
/// </summary>
public class ContainerLogFileViewTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 0, 44, 29, 120, TimeSpan.Zero);

    private static string Cri(ContainerLog log) => string.Concat(log.Snapshot().Select(ContainerLogFiles.CriLine));

    [Fact]
    public void A_file_read_while_the_container_writes_shows_the_lines_so_far_in_CRI_format()
    {
        var log = new ContainerLog(0);
        var file = new RegularFile(new CriLogView(log)) { ModifiedAt = T0 };
        Assert.Equal("", file.ReadText());
        Assert.Equal(0, file.Length);

        log.Write("stdout", "hello node\n", T0.AddSeconds(1));
        log.Write("stderr", "oops ünïcode\npartial", T0.AddSeconds(2));
        Assert.Equal("2026-12-04T00:44:30.12Z stdout F hello node\n2026-12-04T00:44:31.12Z stderr F oops ünïcode\n", file.ReadText());
        Assert.Equal(Encoding.UTF8.GetByteCount(file.ReadText()), file.Length);
        Assert.Equal(T0.AddSeconds(2), file.ModifiedAt);

        log.Write("stdout", "more\n", new DateTimeOffset(2026, 12, 4, 0, 44, 40, TimeSpan.Zero));
        Assert.EndsWith("2026-12-04T00:44:40Z stdout F more\n", file.ReadText());
        Assert.Equal(Cri(log), file.ReadText());
        Assert.Equal(file.Read().LongLength, file.Length);
    }

    [Fact]
    public async Task Changed_completes_on_a_new_line_of_the_container()
    {
        var log = new ContainerLog(0);
        var file = new RegularFile(new CriLogView(log));
        var changed = file.Changed;
        log.Write("stdout", "half a line", T0);
        await Task.Delay(50);
        Assert.False(changed.IsCompleted);

        log.Write("stdout", "\n", T0);
        await changed.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(Cri(log), file.ReadText());

        var next = file.Changed;
        Assert.False(next.IsCompleted);
        log.Write("stdout", "second\n", T0);
        await next.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_closed_log_does_not_wake_followers_again_but_a_write_to_the_file_does()
    {
        var log = new ContainerLog(0);
        log.Write("stdout", "last words\n", T0);
        log.Close(T0);
        var file = new RegularFile(new CriLogView(log));
        var changed = file.Changed;
        await Task.Delay(50);
        Assert.False(changed.IsCompleted); // a follower of a finished container's file waits instead of spinning

        file.Write("appended by hand\n", append: true, T0.AddMinutes(1));
        await changed.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(Cri(log) + "appended by hand\n", file.ReadText());
    }

    [Fact]
    public void Lines_written_after_someone_appends_or_truncates_follow_that_write()
    {
        var log = new ContainerLog(0);
        var file = new RegularFile(new CriLogView(log));
        log.Write("stdout", "one\n", T0);
        file.Write("by hand\n", append: true, T0.AddSeconds(1));
        log.Write("stdout", "two\n", T0.AddSeconds(2));
        var one = ContainerLogFiles.CriLine(log.Snapshot()[0]);
        var two = ContainerLogFiles.CriLine(log.Snapshot()[1]);
        Assert.Equal(one + "by hand\n" + two, file.ReadText());
        Assert.Equal(T0.AddSeconds(2), file.ModifiedAt);

        file.Write("", append: false, T0.AddSeconds(3)); // : > file
        Assert.Equal("", file.ReadText());
        Assert.Equal(0, file.Length);
        Assert.Equal(T0.AddSeconds(3), file.ModifiedAt);
        log.Write("stdout", "three\n", T0.AddSeconds(4));
        Assert.Equal(ContainerLogFiles.CriLine(log.Snapshot()[2]), file.ReadText());
    }

    [Fact]
    public void A_copy_of_the_file_keeps_what_it_showed_and_no_longer_follows_the_log()
    {
        var log = new ContainerLog(0);
        var file = new RegularFile(new CriLogView(log));
        log.Write("stdout", "one\n", T0);
        var copy = file.Clone();
        log.Write("stdout", "two\n", T0);
        Assert.Equal(ContainerLogFiles.CriLine(log.Snapshot()[0]), copy.ReadText());
        Assert.Equal(Cri(log), file.ReadText());
    }
}
