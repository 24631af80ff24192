using KubeLab.Simulator.Network;
using KubeLab.Simulator.Runtime;
using KubeLab.Simulator.Runtime.Filesystem;
using KubeLab.Simulator.Runtime.Images;

namespace KubeLab.Simulator.Tests.Runtime.Programs;

/// <summary>A time source the test moves by hand (only GetUtcNow; no timers).</summary>
public sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset now = start;
    public void Advance(TimeSpan by) { lock (this) now += by; }
    public override DateTimeOffset GetUtcNow() { lock (this) return now; }
}

/// <summary>A fake /bin/sh for tests that must not depend on the real shell: "echo X" prints X, "exit N" returns N.</summary>
public sealed class FakeShell : IContainerProgram
{
    public async Task<int> RunAsync(ProcessContext process, IReadOnlyList<string> argv, CancellationToken kill)
    {
        var script = argv.Count > 2 && argv[1] == "-c" ? argv[2] : "";
        if (script.StartsWith("echo ", StringComparison.Ordinal)) { await process.Stdout.WriteAsync(script[5..] + "\n", kill); return 0; }
        if (script.StartsWith("exit ", StringComparison.Ordinal)) return int.Parse(script[5..]);
        await process.Stderr.WriteAsync($"sh: {script}: not found\n", kill);
        return 127;
    }
}

/// <summary>One running modelled process in its own pod sandbox on a shared network, with captured output.</summary>
public sealed class RunningProcess : IAsyncDisposable
{
    private readonly CancellationTokenSource kill = new();
    private CancellationTokenSource terminate = null!;

    public required ProcessContext Context { get; init; }
    public required BufferOutput Stdout { get; init; }
    public required BufferOutput Stderr { get; init; }
    public Task<int> Exit { get; private set; } = Task.FromResult(0);

    public PodSandbox Sandbox => Context.Sandbox;

    public static RunningProcess Start(ImageDefinition image, IReadOnlyList<string> argv, ClusterNetwork network, TimeProvider time,
        string podName = "pod-a", string ip = "10.244.1.4", Action<ContainerFileSystem>? mount = null)
    {
        var sandbox = new PodSandbox("default", podName, "uid-" + podName, podName, "kind-worker") { Ip = ip };
        network.Attach(sandbox);
        var files = new ContainerFileSystem(image.CreateRoot(), time);
        mount?.Invoke(files);
        var stdout = new BufferOutput();
        var stderr = new BufferOutput();
        var terminate = new CancellationTokenSource();
        var env = new Dictionary<string, string>(image.Environment, StringComparer.Ordinal) { ["PATH"] = image.Path, ["HOSTNAME"] = podName };
        var process = new RunningProcess
        {
            Context = new ProcessContext
            {
                Files = files, Environment = env, Stdin = EmptyInput.Instance, Stdout = stdout, Stderr = stderr, Time = time,
                Sandbox = sandbox, Network = network, Image = image, ContainerName = "main", Terminating = terminate.Token,
            },
            Stdout = stdout,
            Stderr = stderr,
        };
        process.terminate = terminate;
        var found = image.Lookup(argv[0], image.Path) ?? throw new InvalidOperationException($"{argv[0]} not in image");
        process.Exit = Task.Run(() => found.Program.RunAsync(process.Context, argv, process.kill.Token));
        return process;
    }

    /// <summary>The kubelet's stop signal (SIGTERM, or the image's STOPSIGNAL).</summary>
    public void SendTerm() => terminate.Cancel();

    public async Task WaitListeningAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Sandbox.ListenerOn(port) is null)
        {
            if (Exit.IsCompleted) throw new InvalidOperationException($"exited {Exit.Result}: {Stderr}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"nothing listens on {port}: {Stderr}");
            await Task.Delay(10);
        }
    }

    public Task<HttpResponseMessageModel> GetAsync(int port, string pathAndQuery, string from = "10.244.1.3", string? userAgent = null)
    {
        var request = HttpRequestMessageModel.Get(pathAndQuery, $"{Sandbox.Ip}:{port}", from);
        if (userAgent is not null) ((Dictionary<string, string>)request.Headers)["User-Agent"] = userAgent;
        return Context.Network.SendAsync(null, Sandbox.Ip!, port, request, CancellationToken.None);
    }

    public static async Task<T> Within<T>(Task<T> task, int seconds = 20) => await task.WaitAsync(TimeSpan.FromSeconds(seconds));

    public async ValueTask DisposeAsync()
    {
        kill.Cancel();
        try { await Exit.WaitAsync(TimeSpan.FromSeconds(10)); } catch { /* the test already asserted what it needed */ }
        Context.Network.Detach(Sandbox);
        terminate.Dispose();
        kill.Dispose();
    }
}
