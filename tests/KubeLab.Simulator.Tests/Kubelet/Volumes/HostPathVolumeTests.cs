using KubeLab.Simulator.Kubelet.Volumes;
using KubeLab.Simulator.Runtime.Filesystem;
using KubeLab.Simulator.Storage;

namespace KubeLab.Simulator.Tests.Kubelet.Volumes;

public class HostPathVolumeTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;

    [Fact]
    public void Same_node_and_path_share_files_other_nodes_do_not()
    {
        var data = new VolumeData();
        var a = data.HostPath("k8s-course-worker", "/var/data");
        a.Set("f", new RegularFile("x"));
        Assert.Same(a, data.HostPath("k8s-course-worker", "/var//data/"));
        Assert.Same(a, HostPathVolume.Resolve(data, "k8s-course-worker", "/var/data", "Directory", Now));
        Assert.Null(data.HostPath("k8s-course-worker2", "/var/data").Get("f"));
    }

    [Theory]
    [InlineData("Directory", "hostPath type check failed: /missing is not a directory")]
    [InlineData("File", "hostPath type check failed: /missing is not a file")]
    [InlineData("Socket", "hostPath type check failed: /missing is not a socket file")]
    [InlineData("CharDevice", "hostPath type check failed: /missing is not a character device")]
    [InlineData("BlockDevice", "hostPath type check failed: /missing is not a block device")]
    [InlineData("FileOrCreate", "open /missing/f: no such file or directory")]
    public void Type_checks_fail_with_the_kubelets_text(string type, string message)
    {
        var path = type == "FileOrCreate" ? "/missing/f" : "/missing";
        var e = Assert.Throws<VolumePayloads.PayloadException>(() => HostPathVolume.Resolve(new VolumeData(), "n", path, type, Now));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Or_create_types_create_and_a_file_is_not_a_directory()
    {
        var data = new VolumeData();
        Assert.IsType<DirectoryNode>(HostPathVolume.Resolve(data, "n", "/srv/a/b", "DirectoryOrCreate", Now));
        var file = Assert.IsType<RegularFile>(HostPathVolume.Resolve(data, "n", "/srv/a/log", "FileOrCreate", Now));
        Assert.Equal(0x1A4, file.Mode);
        Assert.Same(file, HostPathVolume.Resolve(data, "n", "/srv/a/log", "File", Now));
        Assert.Equal("hostPath type check failed: /srv/a/log is not a directory",
            Assert.Throws<VolumePayloads.PayloadException>(() => HostPathVolume.Resolve(data, "n", "/srv/a/log", "DirectoryOrCreate", Now)).Message);
        Assert.IsType<DirectoryNode>(HostPathVolume.Resolve(data, "n", "/untyped", null, Now));
    }
}
