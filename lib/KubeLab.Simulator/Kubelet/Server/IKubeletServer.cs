using KubeLab.Simulator.Runtime;

namespace KubeLab.Simulator.Kubelet.Server;

/// <summary>
/// What the API server reaches on a node's kubelet (its :10250 server in a real cluster): container logs and exec.
/// The API server resolves the pod and its node, validates the request (container name, options) and then calls this.
/// Failures are <see cref="KubeletException"/>s carrying the status code and text the kubelet answers with.
/// </summary>
public interface IKubeletServer
{
    /// <summary>
    /// The log of the container's current instance, or with <paramref name="previous"/> of the one before the last restart.
    /// Throws 400 "previous terminated container \"c\" in pod \"p\" not found" or 400
    /// "container \"c\" in pod \"p\" is waiting to start: ContainerCreating" as the kubelet does.
    /// </summary>
    ContainerLog GetLog(string ns, string pod, string uid, string container, bool previous);

    /// <summary>
    /// Runs a command in a running container (CRI Exec) with the given streams; returns its exit status.
    /// Throws 400 "container not found (\"c\")" / "container c is not valid for pod p" style errors, and
    /// <see cref="ProcessStartException"/> when argv[0] is not in the image.
    /// </summary>
    Task<int> ExecAsync(string ns, string pod, string uid, string container, IReadOnlyList<string> command,
        IInputStream stdin, IOutputStream stdout, IOutputStream stderr, bool tty, CancellationToken ct);
}

/// <summary>An error answered by the kubelet's server, passed on by the API server with the same status and text.</summary>
public sealed class KubeletException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}

/// <summary>The API server's way to a node's kubelet (the node's address and port 10250 in a real cluster).</summary>
public sealed class KubeletConnections
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IKubeletServer> nodes = new(StringComparer.Ordinal);

    public void Register(string nodeName, IKubeletServer server) => nodes[nodeName] = server;

    public IKubeletServer? Get(string nodeName) => nodes.GetValueOrDefault(nodeName);
}
