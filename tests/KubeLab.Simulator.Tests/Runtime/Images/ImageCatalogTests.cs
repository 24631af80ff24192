using KubeLab.Simulator.Metrics;
using KubeLab.Simulator.Runtime;
using KubeLab.Simulator.Runtime.Filesystem;
using KubeLab.Simulator.Runtime.Images;
using KubeLab.Simulator.Runtime.Programs;

namespace KubeLab.Simulator.Tests.Runtime.Images;

/// <summary>Which image definition a Pod's image name gets, and what is in it.</summary>
public sealed class ImageCatalogTests
{
    private readonly ImageCatalog catalog = new(new ResourceConsumption());

    [Theory]
    [InlineData("nginx")]
    [InlineData("nginx:1.27")]
    [InlineData("docker.io/library/nginx:latest")]
    [InlineData("mirror.gcr.io/library/nginx@sha256:0123456789abcdef")]
    public void Any_registry_tag_or_digest_of_nginx_is_the_nginx_image(string image)
    {
        var nginx = catalog.Find(image);

        Assert.Equal(["/docker-entrypoint.sh"], nginx.Entrypoint);
        Assert.Equal(["nginx", "-g", "daemon off;"], nginx.Cmd);
        Assert.Equal("SIGQUIT", nginx.StopSignal);
        Assert.True(nginx.IsModelled);
    }

    [Fact]
    public void Nginx_files_and_tools_are_those_of_the_debian_image()
    {
        var nginx = catalog.Find("nginx:1.25.3");
        var files = new ContainerFileSystem(nginx.CreateRoot(), TimeProvider.System);

        Assert.Equal("1.25.3", nginx.Environment["NGINX_VERSION"]);
        Assert.Equal(615, files.ReadAllBytes("/usr/share/nginx/html/index.html").Length);
        Assert.Equal(497, files.ReadAllBytes("/usr/share/nginx/html/50x.html").Length);
        Assert.Equal("/dev/stdout", Assert.IsType<SymlinkNode>(files.Find("/var/log/nginx/access.log", followLast: false)).Target);
        Assert.Contains("include /etc/nginx/conf.d/*.conf;", files.ReadAllText("/etc/nginx/nginx.conf"));
        Assert.Null(nginx.Lookup("wget", nginx.Path));
        Assert.IsType<NginxProgram>(nginx.Lookup("nginx", nginx.Path)?.Program);
        Assert.IsType<CurlProgram>(nginx.Lookup("curl", nginx.Path)?.Program);
    }

    [Fact]
    public void Agnhost_runs_pause_by_default_and_has_a_shell_when_busybox_is_there()
    {
        var agnhost = catalog.Find("registry.k8s.io/e2e-test-images/agnhost:2.53");

        Assert.Equal(["/agnhost"], agnhost.Entrypoint);
        Assert.Equal(["pause"], agnhost.Cmd);
        Assert.IsType<AgnhostProgram>(agnhost.Lookup("/agnhost-2", agnhost.Path)?.Program);
        Assert.Equal(KubeLab.Simulator.Runtime.Shell.BusyboxApplets.All.ContainsKey("sh"), agnhost.Lookup("sh", agnhost.Path) is not null);
    }

    [Fact]
    public void Pause_and_unknown_images_have_no_shell()
    {
        var pause = catalog.Find("registry.k8s.io/pause:3.10");
        Assert.Equal(["/pause"], pause.Entrypoint);
        Assert.Null(pause.Lookup("sh", pause.Path));

        var redis = catalog.Find("redis:7.4");
        Assert.False(redis.IsModelled);
        Assert.Contains("not modelled", redis.Description);
        Assert.Null(redis.Lookup("sh", redis.Path));
        Assert.Null(redis.Lookup("/bin/bash", redis.Path));
        Assert.IsType<GenericServerProgram>(redis.Lookup("redis-server", redis.Path)?.Program);
        Assert.NotNull(redis.Lookup(redis.Cmd[0], redis.Path));
    }

    [Fact]
    public void Busybox_and_alpine_default_to_a_shell()
    {
        Assert.Equal(["sh"], catalog.Find("busybox:1.36").Cmd);
        Assert.Equal(["/bin/sh"], catalog.Find("alpine:3.21").Cmd);
        var files = new ContainerFileSystem(catalog.Find("busybox").CreateRoot(), TimeProvider.System);
        Assert.StartsWith("root:x:0:0:root:/root:/bin/sh\n", files.ReadAllText("/etc/passwd"));
        Assert.True(files.IsDirectory("/tmp"));
    }

    [Fact]
    public void Every_container_gets_its_own_copy_of_the_files()
    {
        var nginx = catalog.Find("nginx");
        var one = new ContainerFileSystem(nginx.CreateRoot(), TimeProvider.System);
        var two = new ContainerFileSystem(nginx.CreateRoot(), TimeProvider.System);

        one.WriteFile("/usr/share/nginx/html/index.html", "changed");

        Assert.Equal(615, two.ReadAllBytes("/usr/share/nginx/html/index.html").Length);
    }
}
