using KubeLab.Simulator.Clock;
using KubeLab.Simulator.Network;
using KubeLab.Simulator.Runtime;
using KubeLab.Simulator.Runtime.Filesystem;
using KubeLab.Simulator.Runtime.Images;
using KubeLab.Simulator.Runtime.Shell;

namespace KubeLab.Simulator.Tests.Runtime.Shell;

/// <summary>One modelled busybox container to run the shell and applets in: files, a pod sandbox on a network, a fast clock.</summary>
internal sealed class ShellHarness
{
    public SimulatedClock Clock { get; } = new(speed: 1000);
    public ContainerFileSystem Files { get; }
    public ClusterNetwork Network { get; } = new();
    public PodSandbox Sandbox { get; } = new("default", "web-0", "uid-1", "web-0", "node-1") { Ip = "10.244.1.5" };
    public ImageDefinition Image { get; }
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal)
    {
        ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        ["HOME"] = "/root",
    };

    public ShellHarness()
    {
        var root = new DirectoryNode();
        foreach (var dir in new[] { "bin", "tmp", "etc", "root", "logs" }) root.Directory(dir);
        Files = new ContainerFileSystem(root, Clock);
        Image = new ImageDefinition
        {
            Name = "busybox:1.36",
            CreateRoot = () => new DirectoryNode(),
            Executables = BusyboxApplets.AsExecutables(),
        };
        Network.Attach(Sandbox);
    }

    public ProcessContext Process(IOutputStream stdout, IOutputStream stderr, IInputStream? stdin = null,
        CancellationToken terminating = default, bool init = false) => new()
    {
        Files = Files,
        Environment = new Dictionary<string, string>(Environment, StringComparer.Ordinal),
        Stdin = stdin ?? EmptyInput.Instance,
        Stdout = stdout,
        Stderr = stderr,
        Time = Clock,
        Sandbox = Sandbox,
        Network = Network,
        Image = Image,
        ContainerName = "app",
        Terminating = terminating,
        IsContainerInit = init,
    };

    public sealed record Result(int Status, string Out, string Err);

    /// <summary>Runs argv (e.g. sh -c script) to completion, failing the test if it takes more than 20 s of real time.</summary>
    public async Task<Result> RunAsync(IReadOnlyList<string> argv, IInputStream? stdin = null)
    {
        var (stdout, stderr) = (new BufferOutput(), new BufferOutput());
        var program = Image.Lookup(argv[0], Environment["PATH"])!.Value.Program;
        var status = await program.RunAsync(Process(stdout, stderr, stdin), argv, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        return new Result(status, stdout.ToString(), stderr.ToString());
    }

    public Task<Result> ShAsync(string script, IInputStream? stdin = null) => RunAsync(["sh", "-c", script], stdin);

    /// <summary>Waits (real time, generously) until a condition holds.</summary>
    public static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("timed out waiting for " + what);
            await Task.Delay(10);
        }
    }
}
