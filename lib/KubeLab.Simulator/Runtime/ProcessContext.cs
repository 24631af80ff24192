using KubeLab.Simulator.Network;
using KubeLab.Simulator.Runtime.Filesystem;
using KubeLab.Simulator.Runtime.Images;

namespace KubeLab.Simulator.Runtime;

/// <summary>
/// What one modelled process sees: its container's files, environment, standard streams, the Pod's network namespace and
/// the cluster clock. The main process of a container and every <c>kubectl exec</c> into it share the files and the sandbox.
/// </summary>
public sealed class ProcessContext
{
    public required ContainerFileSystem Files { get; init; }
    /// <summary>The process environment (a copy per process: a child may change its own).</summary>
    public required Dictionary<string, string> Environment { get; init; }
    public string WorkingDirectory { get; set; } = "/";
    public required IInputStream Stdin { get; init; }
    public required IOutputStream Stdout { get; init; }
    public required IOutputStream Stderr { get; init; }
    /// <summary>The cluster clock: <c>sleep 10</c> lasts 10 simulated seconds.</summary>
    public required TimeProvider Time { get; init; }
    public required PodSandbox Sandbox { get; init; }
    public required ClusterNetwork Network { get; init; }
    /// <summary>The image the container runs: which programs exist in it, and its own servers.</summary>
    public required ImageDefinition Image { get; init; }
    public required string ContainerName { get; init; }
    /// <summary>Cancelled when the kubelet sends SIGTERM (pod deleted, liveness failure); a <c>trap … TERM</c> runs then.</summary>
    public CancellationToken Terminating { get; init; }
    /// <summary>
    /// True for a container's main process (PID 1 of its PID namespace): the kernel does not apply a signal's default
    /// action to it, so SIGTERM without a handler (a shell without <c>trap … TERM</c>, <c>sleep</c>) changes nothing.
    /// Not inherited by <see cref="With"/>: children are ordinary processes.
    /// </summary>
    public bool IsContainerInit { get; init; }

    /// <summary>A child process: same container, own streams and environment copy (pipelines, <c>$( … )</c>, exec).</summary>
    public ProcessContext With(IInputStream? stdin = null, IOutputStream? stdout = null, IOutputStream? stderr = null,
        Dictionary<string, string>? environment = null) => new()
    {
        Files = Files,
        Environment = environment ?? new Dictionary<string, string>(Environment, StringComparer.Ordinal),
        WorkingDirectory = WorkingDirectory,
        Stdin = stdin ?? Stdin,
        Stdout = stdout ?? Stdout,
        Stderr = stderr ?? Stderr,
        Time = Time,
        Sandbox = Sandbox,
        Network = Network,
        Image = Image,
        ContainerName = ContainerName,
        Terminating = Terminating,
    };
}

/// <summary>
/// A program the modelled runtime can run as a container's main process or through exec: a shell, a busybox applet, nginx,
/// agnhost… <c>argv[0]</c> is the name it was started as. Returns the exit status; cancellation of <paramref name="kill"/> is SIGKILL.
/// </summary>
public interface IContainerProgram
{
    Task<int> RunAsync(ProcessContext process, IReadOnlyList<string> argv, CancellationToken kill);
}

/// <summary>Why a process could not be started, with the OCI runtime's wording (exit status 127/126/128 in the kubelet's terms).</summary>
public sealed class ProcessStartException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>runc's text when argv[0] is not in the image (kubectl exec shows it; a container ends with StartError).</summary>
    public static ProcessStartException NotFound(string executable) =>
        new($"exec: \"{executable}\": executable file not found in $PATH", 127);
}
