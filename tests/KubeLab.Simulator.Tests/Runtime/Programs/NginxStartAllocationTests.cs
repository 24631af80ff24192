using System.Text;
using KubeLab.Simulator.Kubelet.Volumes;
using KubeLab.Simulator.Metrics;
using KubeLab.Simulator.Network;
using KubeLab.Simulator.Runtime;
using KubeLab.Simulator.Runtime.Filesystem;
using KubeLab.Simulator.Runtime.Images;
using KubeLab.Simulator.Runtime.Programs;
using Xunit.Abstractions;

namespace KubeLab.Simulator.Tests.Runtime.Programs;

/// <summary>
/// What one nginx container start allocates in the runtime model (its files, the kubelet's mounts, the entrypoint's scripts,
/// nginx reading its configuration and opening its logs): a pod start of the 10,000-pod benchmark paid ~80 KB here, most of it
/// path strings of the file system walk and config text decoded again for every container. Measured on this thread only, so
/// other tests running alongside do not count.
/// </summary>
public sealed class NginxStartAllocationTests(ITestOutputHelper output)
{
    private static readonly ImageDefinition Nginx = new ImageCatalog(new ResourceConsumption()).Find("nginx:1.27.5");

    [Fact]
    public void An_nginx_container_start_allocates_a_few_kilobytes_in_the_runtime_model()
    {
        var time = new ManualTime(DateTimeOffset.UnixEpoch);
        var token = ServiceAccountVolume(time);
        Start(time, token); // warm up: JIT, static caches of the image's files
        Start(time, token);

        const int starts = 20;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < starts; i++) Start(time, token);
        var perStart = (GC.GetAllocatedBytesForCurrentThread() - before) / starts;
        output.WriteLine($"{perStart} bytes per nginx container start");
        // 79,500 bytes before the path walk stopped building strings per component and nginx's start stopped decoding and
        // lexing the image's config files again; 11,200 after (most of it the entrypoint's output lines and copied-up entries).
        Assert.InRange(perStart, 0, 20_000);
    }

    /// <summary>As the kubelet creates and starts the container (ContainerInstance), up to nginx binding its ports.</summary>
    private static void Start(TimeProvider time, DirectoryNode token)
    {
        var files = new ContainerFileSystem(Nginx.CreateRoot(), time);
        files.Mount("/etc/hosts", new RegularFile("127.0.0.1\tlocalhost\n10.244.1.4\tweb-0\n"), readOnly: false);
        files.Mount("/etc/hostname", new RegularFile("web-0\n"), readOnly: false);
        files.Mount("/etc/resolv.conf", new RegularFile("search default.svc.cluster.local\nnameserver 10.96.0.10\n"), readOnly: false);
        files.Mount("/var/run/secrets/kubernetes.io/serviceaccount", token, readOnly: true);
        var process = new ProcessContext
        {
            Files = files, Environment = new Dictionary<string, string>(Nginx.Environment) { ["PATH"] = Nginx.Path, ["HOSTNAME"] = "web-0" },
            Stdin = EmptyInput.Instance, Stdout = NullOutput.Instance, Stderr = NullOutput.Instance, Time = time, Sandbox = Sandbox, Network = Network,
            Image = Nginx, ContainerName = "nginx",
        };
        // "nginx -t" runs the entrypoint's scripts and reads the configuration as the server's start does, without binding.
        var run = new NginxEntrypointProgram().RunAsync(process, ["/docker-entrypoint.sh", "nginx", "-t"], CancellationToken.None);
        Assert.True(run.IsCompletedSuccessfully && run.Result == 0, "nginx -t failed");
        NginxLogFile.Open(process, "/var/log/nginx/error.log");
        NginxLogFile.Open(process, "/var/log/nginx/access.log");
    }

    private static readonly ClusterNetwork Network = new();
    private static readonly PodSandbox Sandbox = new("default", "web-0", "uid-web-0", "web-0", "kind-worker") { Ip = "10.244.1.4" };

    private static DirectoryNode ServiceAccountVolume(TimeProvider time)
    {
        var root = new DirectoryNode(0x1FF);
        new AtomicWriter(root, time).Write(new Dictionary<string, FileProjection>
        {
            ["token"] = new(Encoding.UTF8.GetBytes("eyJhbGciOi.token"), 0x1A4),
            ["ca.crt"] = new(Encoding.UTF8.GetBytes("-----BEGIN CERTIFICATE-----\n"), 0x1A4),
            ["namespace"] = new(Encoding.UTF8.GetBytes("default"), 0x1A4),
        });
        return root;
    }
}
