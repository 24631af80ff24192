using KubeLab.Simulator.Network;
using KubeLab.Simulator.Runtime.Filesystem;
using KubeLab.Simulator.Runtime.Images;

namespace KubeLab.Simulator.Runtime;

/// <summary>
/// One run of one container, as containerd keeps it: its own root file system (the image's files plus the Pod's mounts),
/// its main process, and its log. A restart creates a new instance (new id, new log, fresh image files; volumes stay),
/// which is why <c>kubectl logs --previous</c> and files outside volumes behave as they do on a real node.
/// </summary>
public sealed class ContainerInstance
{
    private readonly CancellationTokenSource terminating = new();
    private readonly CancellationTokenSource killing = new();
    private Task<int>? exited;

    public ContainerInstance(ContainerConfig config, PodSandbox sandbox, ClusterNetwork network, TimeProvider time, int restartCount)
    {
        Config = config;
        Sandbox = sandbox;
        Network = network;
        Time = time;
        Id = Util.RandomIds.Hex(32);
        Log = new ContainerLog(restartCount);
        Files = new ContainerFileSystem(config.Image.CreateRoot(), time);
        foreach (var (path, node, readOnly) in config.Mounts) Files.Mount(path, node, readOnly);
    }

    public string Id { get; }
    public ContainerConfig Config { get; }
    public PodSandbox Sandbox { get; }
    public ClusterNetwork Network { get; }
    public TimeProvider Time { get; }
    public ContainerFileSystem Files { get; }
    public ContainerLog Log { get; }
    public DateTimeOffset? StartedAt { get; private set; }
    public bool Running => exited is { IsCompleted: false };

    /// <summary>The exit status of the main process once it ended.</summary>
    public Task<int> Exited => exited ?? throw new InvalidOperationException("container not started");

    /// <summary>
    /// Starts the main process. The argv is what the kubelet computed from command/args and the image's ENTRYPOINT/CMD.
    /// Throws <see cref="ProcessStartException"/> when argv[0] is not in the image (the container then ends with StartError).
    /// </summary>
    public void Start()
    {
        var argv = Config.Argv;
        if (argv.Count == 0) throw new ProcessStartException("no command specified", 128);
        var (_, program) = Config.Image.Lookup(argv[0], Config.Environment.GetValueOrDefault("PATH", Config.Image.Path))
            ?? throw ProcessStartException.NotFound(argv[0]);
        // PID 1 of the container: a SIGTERM it has no handler for is ignored (the kernel drops it), so SIGKILL ends it.
        var process = NewProcess(EmptyInput.Instance, new LogOutput(Log, "stdout", Time), new LogOutput(Log, "stderr", Time), terminating.Token, isInit: true);
        StartedAt = Time.GetUtcNow();
        exited = RunMainAsync(program, process, argv);
    }

    private async Task<int> RunMainAsync(IContainerProgram program, ProcessContext process, IReadOnlyList<string> argv)
    {
        try
        {
            return await Task.Run(() => program.RunAsync(process, argv, killing.Token)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) { return 137; } // SIGKILL
        catch (Exception e)
        {
            // A modelled program that fails to serve (e.g. its port is taken) writes why and exits 1, as the real one would.
            Log.Write("stderr", e.Message + "\n", Time.GetUtcNow());
            return 1;
        }
        finally
        {
            Sandbox.CloseAll(Config.Name);
            Log.Close(Time.GetUtcNow());
        }
    }

    /// <summary>SIGTERM: the process may handle it (a shell's trap, nginx's graceful quit).</summary>
    public void Terminate() => terminating.Cancel();

    /// <summary>SIGKILL: ends the process at once.</summary>
    public void Kill()
    {
        terminating.Cancel();
        killing.Cancel();
    }

    /// <summary>
    /// CRI Exec: runs another process in this container (same files, environment and network namespace) with the given streams.
    /// Returns its exit status; throws <see cref="ProcessStartException"/> if argv[0] is not in the image.
    /// </summary>
    public async Task<int> ExecAsync(IReadOnlyList<string> argv, IInputStream stdin, IOutputStream stdout, IOutputStream stderr, bool tty, CancellationToken ct)
    {
        if (argv.Count == 0) throw new ProcessStartException("no command specified", 128);
        var (_, program) = Config.Image.Lookup(argv[0], Config.Environment.GetValueOrDefault("PATH", Config.Image.Path))
            ?? throw ProcessStartException.NotFound(argv[0]);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, killing.Token);
        var process = NewProcess(stdin, stdout, stderr, CancellationToken.None, isInit: false); // exec'd processes get no SIGTERM from the kubelet
        if (tty)
        {
            // A pty's line discipline (ONLCR) turns each "\n" the program writes into "\r\n" on the terminal.
            process = process.With(stdout: new TerminalOutput(stdout), stderr: new TerminalOutput(stderr));
            process.Environment["TERM"] = "xterm";
        }
        try
        {
            return await Task.Run(() => program.RunAsync(process, argv, linked.Token), CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { return 137; } // the container was killed under it
    }

    private ProcessContext NewProcess(IInputStream stdin, IOutputStream stdout, IOutputStream stderr, CancellationToken terminate, bool isInit) => new()
    {
        IsContainerInit = isInit,
        Files = Files,
        Environment = new Dictionary<string, string>(Config.Environment, StringComparer.Ordinal),
        WorkingDirectory = Config.WorkingDirectory,
        Stdin = stdin,
        Stdout = stdout,
        Stderr = stderr,
        Time = Time,
        Sandbox = Sandbox,
        Network = Network,
        Image = Config.Image,
        ContainerName = Config.Name,
        Terminating = terminate,
    };
}

/// <summary>What the kubelet hands the runtime to create a container (CRI ContainerConfig): argv, environment, mounts.</summary>
public sealed record ContainerConfig(
    string Name,
    ImageDefinition Image,
    IReadOnlyList<string> Argv,
    Dictionary<string, string> Environment,
    string WorkingDirectory,
    IReadOnlyList<(string Path, FileNode Node, bool ReadOnly)> Mounts)
{
    /// <summary>
    /// Kubernetes' rule (docs "Define a command and arguments for a container"): <c>command</c> replaces the image's ENTRYPOINT and
    /// drops its CMD; <c>args</c> alone replaces CMD and keeps ENTRYPOINT.
    /// </summary>
    public static IReadOnlyList<string> ArgvOf(IList<string>? command, IList<string>? args, ImageDefinition image)
    {
        if (command is { Count: > 0 }) return [.. command, .. args ?? []];
        return args is { Count: > 0 } ? [.. image.Entrypoint, .. args] : [.. image.Entrypoint, .. image.Cmd];
    }
}
