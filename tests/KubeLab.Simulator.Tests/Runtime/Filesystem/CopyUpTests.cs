using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Tests.Runtime.Filesystem;

/// <summary>
/// A container's root copies the image's entries up one at a time (issue 7): whatever order a container touches its files in,
/// it must see exactly what a private deep copy would show, and never another container's changes.
/// </summary>
public class CopyUpTests
{
    private static DirectoryNode Image()
    {
        var root = new DirectoryNode();
        var etc = root.Directory("etc");
        etc.Set("hostname", new RegularFile("image\n"));
        etc.Set("passwd", new RegularFile("root:x:0:0:root:/root:/bin/sh\n"));
        etc.Set("group", new RegularFile("root:x:0:\n"));
        root.Directory("var").Directory("log").Set("messages", new RegularFile(""));
        root.Directory("bin").Set("sh", new SymlinkNode("busybox"));
        return root;
    }

    private static ContainerFileSystem Container(DirectoryNode image) => new(image.Clone(), TimeProvider.System);

    [Fact]
    public void A_file_written_in_one_container_is_not_seen_in_another_container_of_the_same_image()
    {
        var image = Image();
        var a = Container(image);
        var b = Container(image);

        a.WriteFile("/etc/hostname", "web-a\n");
        a.WriteFile("/var/log/nginx.pid", "1\n");
        b.WriteFile("/etc/motd", "hello\n");

        Assert.Equal("web-a\n", a.ReadAllText("/etc/hostname"));
        Assert.Equal("image\n", b.ReadAllText("/etc/hostname"));
        Assert.False(b.Exists("/var/log/nginx.pid"));
        Assert.False(a.Exists("/etc/motd"));
        Assert.Equal(["group", "hostname", "passwd"], image.Get("etc") is DirectoryNode etc ? etc.Entries().Select(e => e.Name) : []);
    }

    [Fact]
    public void Listing_after_touching_one_entry_shows_the_image_entries_and_the_containers_own()
    {
        var fs = Container(Image());
        fs.WriteFile("/etc/hostname", "web\n");   // copies up only /etc/hostname
        fs.WriteFile("/etc/resolv.conf", "nameserver 10.96.0.10\n");

        Assert.Equal(["group", "hostname", "passwd", "resolv.conf"], fs.List("/etc").Select(e => e.Name));
        Assert.Equal("web\n", fs.ReadAllText("/etc/hostname"));
        Assert.Equal("root:x:0:\n", fs.ReadAllText("/etc/group"));
        Assert.Equal(4, ((DirectoryNode)fs.Find("/etc")!).Count);
    }

    [Fact]
    public void An_entry_set_before_it_was_looked_up_hides_the_image_entry_of_that_name()
    {
        var image = Image();
        var root = image.Clone();
        var etc = (DirectoryNode)root.Get("etc")!;
        etc.Set("passwd", new RegularFile("mounted\n"));

        Assert.Equal("mounted\n", ((RegularFile)etc.Get("passwd")!).ReadText());
        Assert.Equal("mounted\n", ((RegularFile)etc.Entries().Single(e => e.Name == "passwd").Node).ReadText());
        Assert.Equal(3, etc.Count);
    }

    [Fact]
    public void Removing_an_untouched_image_file_removes_it_from_that_container_only()
    {
        var image = Image();
        var a = Container(image);
        var b = Container(image);

        a.Delete("/etc/passwd");
        a.Delete("/var", recursive: true);

        Assert.False(a.Exists("/etc/passwd"));
        Assert.False(a.Exists("/var/log/messages"));
        Assert.Equal(["group", "hostname"], a.List("/etc").Select(e => e.Name));
        Assert.True(b.Exists("/etc/passwd"));
        Assert.True(b.Exists("/var/log/messages"));
    }

    [Fact]
    public void The_same_path_gives_the_same_file_each_time_so_a_follower_sees_later_writes()
    {
        var fs = Container(Image());
        var first = fs.OpenFile("/var/log/messages");
        var changed = first.Changed;

        fs.WriteFile("/var/log/messages", "line\n", append: true);

        Assert.Same(first, fs.OpenFile("/var/log/messages"));
        Assert.True(changed.IsCompleted);
        Assert.False(first.Changed.IsCompleted);
        Assert.Equal("line\n", first.ReadText());
    }

    [Fact]
    public void A_directory_lists_its_entries_in_byte_order_once_each_whatever_order_they_came_in()
    {
        var fs = Container(Image());
        foreach (var name in new[] { "zeta", "Alpha", "beta", "_x", "a.b", "a", "hostname" }) fs.WriteFile("/etc/" + name, name);
        fs.WriteFile("/etc/beta", "again");

        Assert.Equal(["Alpha", "_x", "a", "a.b", "beta", "group", "hostname", "passwd", "zeta"], fs.List("/etc").Select(e => e.Name));
        Assert.Equal("again", fs.ReadAllText("/etc/beta"));
        Assert.Equal("hostname", fs.ReadAllText("/etc/hostname"));
        fs.Delete("/etc/a");
        Assert.Equal(["Alpha", "_x", "a.b", "beta", "group", "hostname", "passwd", "zeta"], fs.List("/etc").Select(e => e.Name));
    }
}
