using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Tests.Runtime.Filesystem;

/// <summary>A container's root is copied from its image on access: it must still behave as a private deep copy.</summary>
public class DirectoryCloneTests
{
    private static DirectoryNode Image()
    {
        var root = new DirectoryNode();
        root.Directory("etc").Set("hostname", new RegularFile("image\n"));
        root.Directory("usr").Directory("share").Directory("nginx").Set("index.html", new RegularFile("<h1>hi</h1>"));
        root.Directory("bin").Set("sh", new SymlinkNode("busybox"));
        return root;
    }

    [Fact]
    public void A_clone_sees_the_image_files_and_its_writes_stay_its_own()
    {
        var image = Image();
        var a = image.Clone();
        var b = image.Clone();

        var aHost = (RegularFile)((DirectoryNode)a.Get("etc")!).Get("hostname")!;
        aHost.Write("container-a\n", append: false, DateTimeOffset.UnixEpoch);
        ((DirectoryNode)a.Get("etc")!).Set("new", new RegularFile("x"));
        ((DirectoryNode)a.Get("usr")!).Remove("share");

        Assert.Equal("container-a\n", aHost.ReadText());
        Assert.Equal("image\n", ((RegularFile)((DirectoryNode)image.Get("etc")!).Get("hostname")!).ReadText());
        Assert.Equal("image\n", ((RegularFile)((DirectoryNode)b.Get("etc")!).Get("hostname")!).ReadText());
        Assert.Null(((DirectoryNode)b.Get("etc")!).Get("new"));
        Assert.NotNull(((DirectoryNode)b.Get("usr")!).Get("share"));
        Assert.Equal(["bin", "etc", "usr"], b.Entries().Select(e => e.Name));
        Assert.Equal("busybox", ((SymlinkNode)((DirectoryNode)b.Get("bin")!).Get("sh")!).Target);
    }

    [Fact]
    public void Appending_to_a_cloned_file_does_not_change_the_image_file()
    {
        var image = Image();
        var clone = image.Clone();
        var page = (RegularFile)((DirectoryNode)((DirectoryNode)((DirectoryNode)clone.Get("usr")!).Get("share")!).Get("nginx")!).Get("index.html")!;
        page.Write("!", append: true, DateTimeOffset.UnixEpoch);

        var original = (RegularFile)((DirectoryNode)((DirectoryNode)((DirectoryNode)image.Get("usr")!).Get("share")!).Get("nginx")!).Get("index.html")!;
        Assert.Equal("<h1>hi</h1>!", page.ReadText());
        Assert.Equal("<h1>hi</h1>", original.ReadText());
    }
}
