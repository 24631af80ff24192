using System.Text;
using KubeLab.Simulator.Kubelet.Volumes;
using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Tests.Kubelet.Volumes;

public class AtomicWriterTests
{
    private static Dictionary<string, FileProjection> Payload(params (string Path, string Text)[] files) =>
        files.ToDictionary(f => f.Path, f => new FileProjection(Encoding.UTF8.GetBytes(f.Text), 0x1A4));

    [Fact]
    public void Writes_the_timestamped_directory_the_data_link_and_one_link_per_key()
    {
        var root = new DirectoryNode(0x1FF);
        var writer = new AtomicWriter(root, TimeProvider.System);
        writer.Write(Payload(("game.properties", "lives=3"), ("conf/ui.properties", "color=red")));

        var names = root.Entries().Select(e => e.Name).ToList();
        var ts = Assert.Single(names, n => n.StartsWith("..2", StringComparison.Ordinal));
        Assert.Matches(@"^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\d+$", ts);
        Assert.Equal(ts, Assert.IsType<SymlinkNode>(root.Get("..data")).Target);
        Assert.Equal("..data/game.properties", Assert.IsType<SymlinkNode>(root.Get("game.properties")).Target);
        Assert.Equal("..data/conf", Assert.IsType<SymlinkNode>(root.Get("conf")).Target);

        var fs = new ContainerFileSystem(new DirectoryNode(), TimeProvider.System);
        fs.Mount("/etc/config", root, readOnly: true);
        Assert.Equal("color=red", fs.ReadAllText("/etc/config/conf/ui.properties"));
        Assert.Equal(0x1A4, fs.OpenFile("/etc/config/game.properties").Mode);
        var ex = Assert.Throws<FileSystemException>(() => fs.WriteFile("/etc/config/x", "y"));
        Assert.Equal(FileSystemException.ReadOnly, ex.Error);
    }

    [Fact]
    public void An_update_switches_data_removes_the_old_directory_and_stale_keys_but_not_a_bound_file()
    {
        var root = new DirectoryNode(0x1FF);
        var writer = new AtomicWriter(root, TimeProvider.System);
        writer.Write(Payload(("a", "1"), ("b", "2")));
        var first = writer.CurrentDirectory;
        var boundFile = SubPath.Resolve(root, "a", DateTimeOffset.UnixEpoch); // what a subPath mount holds

        Assert.False(writer.Write(Payload(("a", "1"), ("b", "2"))));
        Assert.Equal(first, writer.CurrentDirectory);

        Assert.True(writer.Write(Payload(("a", "changed"), ("c", "3"))));
        Assert.NotEqual(first, writer.CurrentDirectory);
        Assert.Null(root.Get(first!));
        Assert.Null(root.Get("b"));
        var fs = new ContainerFileSystem(new DirectoryNode(), TimeProvider.System);
        fs.Mount("/cfg", root, readOnly: true);
        fs.Mount("/single/a", boundFile, readOnly: true);
        Assert.Equal("changed", fs.ReadAllText("/cfg/a"));
        Assert.Equal("3", fs.ReadAllText("/cfg/c"));
        Assert.Equal("1", fs.ReadAllText("/single/a")); // subPath mounts are not updated
    }
}
