using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Tests.Runtime.Filesystem;

/// <summary>
/// Path resolution in a container: "//", "." and "..", symlinks (relative to their directory, absolute, chains up to Linux's
/// MAXSYMLINKS of 40, loops), and mounts (hiding the image's content, nested, single files, read-only).
/// </summary>
public sealed class PathWalkTests
{
    private static ContainerFileSystem Files()
    {
        var root = new DirectoryNode();
        var etc = root.Directory("etc");
        etc.Set("hosts", new RegularFile("image hosts\n"));
        etc.Directory("nginx").Set("nginx.conf", new RegularFile("conf"));
        etc.Set("conf", new SymlinkNode("nginx/nginx.conf"));
        etc.Set("abs", new SymlinkNode("/etc/nginx"));
        etc.Set("parent", new SymlinkNode(".."));
        etc.Set("self", new SymlinkNode("self"));
        root.Directory("data").Set("image-file", new RegularFile("hidden by the volume"));
        return new ContainerFileSystem(root.Clone(), TimeProvider.System);
    }

    [Theory]
    [InlineData("//etc//nginx///nginx.conf", "/etc/nginx/nginx.conf")]
    [InlineData("/etc/./nginx/./nginx.conf", "/etc/nginx/nginx.conf")]
    [InlineData("/etc/nginx/../nginx/nginx.conf", "/etc/nginx/nginx.conf")]
    [InlineData("/../../etc/nginx/nginx.conf", "/etc/nginx/nginx.conf")]
    [InlineData("/etc/conf", "/etc/nginx/nginx.conf")]
    [InlineData("/etc/abs/nginx.conf", "/etc/nginx/nginx.conf")]
    [InlineData("/etc/abs/../hosts", "/etc/hosts")]
    [InlineData("/etc/parent/etc/parent/etc/conf", "/etc/nginx/nginx.conf")]
    public void Dots_slashes_and_links_lead_to_the_file_and_its_real_path(string path, string real)
    {
        var files = Files();
        Assert.Same(files.Find(real), files.Find(path));
        Assert.NotNull(files.Find(path));
        Assert.Equal(real, files.RealPath(path));
    }

    [Fact]
    public void The_last_link_is_followed_unless_asked_not_to_and_a_trailing_slash_or_dot_follows_it()
    {
        var files = Files();
        Assert.Equal("nginx/nginx.conf", Assert.IsType<SymlinkNode>(files.Find("/etc/conf", followLast: false)).Target);
        Assert.Equal("/etc/conf", files.RealPath("/etc/conf", followLast: false));
        Assert.IsType<DirectoryNode>(files.Find("/etc/abs/.", followLast: false));
        Assert.IsType<SymlinkNode>(files.Find("/etc/abs/", followLast: false));
    }

    [Fact]
    public void Forty_links_in_a_row_resolve_and_the_forty_first_is_too_many()
    {
        var files = Files();
        files.Symlink("/etc/hosts", "/tmp-0");
        for (var i = 1; i <= 40; i++) files.Symlink($"/tmp-{i - 1}", $"/tmp-{i}");

        Assert.Equal("image hosts\n", files.ReadAllText("/tmp-39"));
        var e = Assert.Throws<FileSystemException>(() => files.ReadAllText("/tmp-40"));
        Assert.Equal("/tmp-40: Too many levels of symbolic links", e.Message);
    }

    [Fact]
    public void A_link_to_itself_is_a_loop_and_a_file_in_the_middle_is_not_a_directory()
    {
        var files = Files();
        Assert.Equal("/etc/self/x: Too many levels of symbolic links", Assert.Throws<FileSystemException>(() => files.Find("/etc/self/x")).Message);
        Assert.Equal("/etc/hosts/x: Not a directory", Assert.Throws<FileSystemException>(() => files.Find("/etc/hosts/x")).Message);
        Assert.Null(files.Find("/nope/x"));
        Assert.Equal("/nope/x", files.RealPath("/nope/x"));
        Assert.Equal("/nope/x: No such file or directory", Assert.Throws<FileSystemException>(() => files.WriteFile("/nope/x", "y")).Message);
    }

    [Fact]
    public void A_mounted_volume_hides_the_image_content_and_is_reached_through_links_and_dot_dots()
    {
        var files = Files();
        var volume = new DirectoryNode();
        volume.Set("data-file", new RegularFile("from the volume"));
        files.Mount("/data", volume, readOnly: false);
        files.Symlink("/data", "/etc/to-data");

        Assert.Null(files.Find("/data/image-file"));
        Assert.Equal("from the volume", files.ReadAllText("/etc/to-data/data-file"));
        Assert.Equal("from the volume", files.ReadAllText("/data/../data/./data-file"));
        files.WriteFile("/etc/to-data/new", "written");
        Assert.Equal("written", Assert.IsType<RegularFile>(volume.Get("new")).ReadText());
        Assert.Equal(["data-file", "new"], files.List("/data").Select(e => e.Name));
        Assert.Same(volume, Assert.Single(files.List("/"), e => e.Name == "data").Node);
    }

    [Fact]
    public void A_read_only_mount_refuses_writes_below_it_but_a_nested_writable_mount_does_not()
    {
        var files = Files();
        var config = new DirectoryNode();
        config.Set("key", new RegularFile("value"));
        var cache = new DirectoryNode();
        files.Mount("/etc/config", config, readOnly: true);
        files.Mount("/etc/config/cache", cache, readOnly: false);
        files.Mount("/etc/hosts", new RegularFile("pod hosts\n"), readOnly: true);

        foreach (var write in new Action[]
                 {
                     () => files.WriteFile("/etc/config/key", "x"), () => files.WriteFile("/etc/config/new", "x"),
                     () => files.CreateDirectory("/etc/config/dir"), () => files.Delete("/etc/config/key"),
                     () => files.Symlink("key", "/etc/config/link"), () => files.WriteFile("/etc/hosts", "x"),
                 })
            Assert.Equal(FileSystemException.ReadOnly, Assert.Throws<FileSystemException>(write).Error);
        Assert.True(files.IsReadOnly("/etc/config/key"));
        Assert.True(files.IsReadOnly("/etc/config/missing/../key"));
        Assert.False(files.IsReadOnly("/etc/config/cache/x"));
        Assert.False(files.IsReadOnly("/etc/configuration"));
        Assert.Equal("pod hosts\n", files.ReadAllText("/etc/hosts"));

        files.WriteFile("/etc/config/cache/x", "cached");
        Assert.Equal("cached", Assert.IsType<RegularFile>(cache.Get("x")).ReadText());
        Assert.Equal([("/etc/config", true), ("/etc/config/cache", false), ("/etc/hosts", true)], files.Mounts);
    }

    [Fact]
    public void A_link_into_a_read_only_mount_is_read_only_where_it_leads()
    {
        var files = Files();
        files.Mount("/ro", new DirectoryNode(), readOnly: true);
        files.Symlink("/ro/x", "/etc/into-ro");

        Assert.True(files.IsReadOnly("/etc/into-ro"));
        Assert.Equal(FileSystemException.ReadOnly, Assert.Throws<FileSystemException>(() => files.WriteFile("/etc/into-ro", "x")).Error);
        // rm judges the link by its target, as this model always did.
        Assert.Equal(FileSystemException.ReadOnly, Assert.Throws<FileSystemException>(() => files.Delete("/etc/into-ro")).Error);
    }

    [Fact]
    public void A_mount_point_cannot_be_removed_and_mounting_creates_the_missing_directories()
    {
        var files = Files();
        files.Mount("/var/run/secrets/kubernetes.io/serviceaccount", new DirectoryNode(), readOnly: false);

        Assert.IsType<DirectoryNode>(files.Find("/var/run/secrets/kubernetes.io"));
        Assert.Equal("/var/run/secrets/kubernetes.io/serviceaccount: Device or resource busy",
            Assert.Throws<FileSystemException>(() => files.Delete("/var/run/secrets/kubernetes.io/serviceaccount")).Message);
    }
}
