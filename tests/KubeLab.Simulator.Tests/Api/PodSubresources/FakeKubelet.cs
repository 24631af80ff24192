using k8s;
using k8s.Models;
using KubeLab.Simulator.Kubelet.Server;
using KubeLab.Simulator.Runtime;

namespace KubeLab.Simulator.Tests.Api.PodSubresources;

/// <summary>One exec call as the fake kubelet received it.</summary>
public sealed record ExecCall(string Pod, string Container, IReadOnlyList<string> Command, IInputStream Stdin, IOutputStream Stdout, IOutputStream Stderr, bool Tty, CancellationToken Ct);

/// <summary>
/// A stand-in for a node's kubelet server: logs the test fills in, and an exec behaviour the test chooses.
/// Errors are worded as the kubelet words them (pkg/kubelet/kubelet_pods.go validateContainerLogStatus, GetExec).
/// </summary>
public sealed class FakeKubelet : IKubeletServer
{
    public Dictionary<string, ContainerLog> Current { get; } = new();
    public Dictionary<string, ContainerLog> Previous { get; } = new();
    public Func<ExecCall, Task<int>> Exec { get; set; } = _ => Task.FromResult(0);
    public List<ExecCall> ExecCalls { get; } = [];

    public ContainerLog GetLog(string ns, string pod, string uid, string container, bool previous)
    {
        var logs = previous ? Previous : Current;
        if (logs.TryGetValue($"{pod}/{container}", out var log)) return log;
        throw previous
            ? new KubeletException(400, $"previous terminated container \"{container}\" in pod \"{pod}\" not found")
            : new KubeletException(400, $"container \"{container}\" in pod \"{pod}\" is waiting to start: ContainerCreating");
    }

    public Task<int> ExecAsync(string ns, string pod, string uid, string container, IReadOnlyList<string> command,
        IInputStream stdin, IOutputStream stdout, IOutputStream stderr, bool tty, CancellationToken ct)
    {
        var call = new ExecCall(pod, container, command, stdin, stdout, stderr, tty, ct);
        lock (ExecCalls) ExecCalls.Add(call);
        return Exec(call);
    }

    /// <summary>A log with the given stdout lines, all at <paramref name="time"/>.</summary>
    public ContainerLog AddLog(string pod, string container, DateTimeOffset time, params string[] lines)
    {
        var log = new ContainerLog(0);
        foreach (var line in lines) log.Write("stdout", line + "\n", time);
        Current[$"{pod}/{container}"] = log;
        return log;
    }
}

/// <summary>Pods bound to a node of their own whose kubelet is a <see cref="FakeKubelet"/> (no real kubelet touches them).</summary>
public static class FakeNodes
{
    public static async Task<(string Ns, FakeKubelet Kubelet, string Node)> PodAsync(ClusterFixture f, string name, string[] containers,
        string[]? initContainers = null, string prefix = "ps")
    {
        var ns = await f.NewNamespaceAsync(prefix);
        var node = $"fake-node-{Guid.NewGuid().ToString("N")[..8]}";
        var kubelet = new FakeKubelet();
        f.Cluster.DataPlane.Kubelets.Register(node, kubelet);
        await f.Client.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = name } },
            Spec = new V1PodSpec
            {
                NodeName = node,
                Containers = containers.Select(c => new V1Container { Name = c, Image = "busybox:1.36" }).ToList(),
                InitContainers = initContainers?.Select(c => new V1Container { Name = c, Image = "busybox:1.36" }).ToList(),
            },
        }, ns);
        return (ns, kubelet, node);
    }
}
