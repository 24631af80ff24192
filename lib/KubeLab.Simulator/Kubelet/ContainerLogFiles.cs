using System.Globalization;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;
using KubeLab.Simulator.Runtime;
using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Kubelet;

/// <summary>
/// The container log files on the node's disk, where node agents (fluent-bit, the notes' Fluentd) read them through a
/// hostPath of /var/log: containerd writes each run of a container to
/// <c>/var/log/pods/&lt;ns&gt;_&lt;pod&gt;_&lt;uid&gt;/&lt;container&gt;/&lt;restartCount&gt;.log</c> in the CRI log format
/// (<c>&lt;RFC3339Nano&gt; stdout|stderr F &lt;line&gt;</c>, pkg/kubelet/kuberuntime/logs), and the kubelet links
/// <c>/var/log/containers/&lt;pod&gt;_&lt;ns&gt;_&lt;container&gt;-&lt;containerID&gt;.log</c> to it
/// (kuberuntime_container.go legacyLogSymlink). Here each run's file is a view of its <see cref="ContainerLog"/>
/// (<see cref="CriLogView"/>: rendered when read, so it shows every line written so far and wakes followers on new ones); the
/// kubelet keeps the current and the previous run of a container (older ones are garbage-collected) and removes the pod's
/// files once the pod is gone. Lines are written whole (tag F); the 16 KiB partial-line split (tag P) is not modelled.
/// </summary>
internal sealed class ContainerLogFiles
{
    private const string PodsDir = "/var/log/pods";
    private const string ContainersDir = "/var/log/containers";

    private readonly NodeKubelet kubelet;
    // The runs whose file exists: container ids by pod uid (a pod has one or a few). Looked up on every pod update without
    // allocating; the pod's entry goes with the pod.
    private readonly Dictionary<string, string[]> published = new(StringComparer.Ordinal);

    // stopping: nothing runs on its own any more (the files are views), so there is nothing to stop.
    public ContainerLogFiles(NodeKubelet kubelet, Informer<V1Pod, V1PodList> pods, CancellationToken stopping)
    {
        _ = stopping;
        this.kubelet = kubelet;
        pods.AddHandler(added: Observe, updated: (_, p) => Observe(p), deleted: Forget);
    }

    private DirectoryNode Root => kubelet.DataPlane.Volumes.NodeRoot(kubelet.NodeName);

    public static string PodDirName(V1Pod pod) => $"{pod.Metadata.NamespaceProperty}_{pod.Metadata.Name}_{pod.Metadata.Uid}";

    public static string LinkName(V1Pod pod, string container, string containerId) =>
        $"{pod.Metadata.Name}_{pod.Metadata.NamespaceProperty}_{container}-{containerId}.log";

    /// <summary>One CRI log line: Go's RFC3339Nano (trailing zeros of the fraction dropped), stream, tag F, the text.</summary>
    public static string CriLine(LogEntry e) =>
        $"{e.Time.UtcDateTime.ToString(CriLogView.TimeFormat, CultureInfo.InvariantCulture)}Z {e.Stream} F {e.Line}\n";

    private void Observe(V1Pod pod)
    {
        if (pod.Spec?.NodeName != kubelet.NodeName || pod.Status is null) return;
        foreach (var status in (pod.Status.InitContainerStatuses ?? []).Concat(pod.Status.ContainerStatuses ?? []))
        {
            if (status.ContainerID is not { } cid || (status.State?.Running is null && status.State?.Terminated is null)) continue;
            if (!TryMarkPublished(pod.Metadata.Uid, cid.AsSpan(cid.IndexOf("://", StringComparison.Ordinal) + 3), out var id)) continue;
            ContainerLog log;
            try { log = kubelet.GetLog(pod.Metadata.NamespaceProperty, pod.Metadata.Name, pod.Metadata.Uid, status.Name, previous: false); }
            catch (Server.KubeletException) { continue; }
            if (log.RestartCount != status.RestartCount) continue; // the status describes a run that is already replaced
            Publish(pod, status.Name, id, log);
        }
    }

    /// <summary>True the first time a run is seen (then <paramref name="id"/> is its container id as a string).</summary>
    private bool TryMarkPublished(string uid, ReadOnlySpan<char> containerId, out string id)
    {
        lock (published)
        {
            var ids = published.GetValueOrDefault(uid) ?? [];
            foreach (var known in ids)
                if (containerId.SequenceEqual(known)) { id = known; return false; }
            id = containerId.ToString();
            published[uid] = [.. ids, id];
            return true;
        }
    }

    /// <summary>The run's log file (a view of <paramref name="log"/>), its link, and the run before the previous one gone.</summary>
    private void Publish(V1Pod pod, string container, string containerId, ContainerLog log)
    {
        var data = kubelet.DataPlane.Volumes;
        var now = kubelet.Time.GetUtcNow();
        var dir = $"{PodsDir}/{PodDirName(pod)}/{container}";
        var containerDir = data.HostPath(kubelet.NodeName, dir);
        var name = $"{log.RestartCount}.log";
        lock (containerDir.Gate)
        {
            if (containerDir.Get(name) is { } and not RegularFile) return; // something else took the name
            containerDir.Set(name, new RegularFile(new CriLogView(log)) { ModifiedAt = now });
        }
        var links = data.HostPath(kubelet.NodeName, ContainersDir);
        if (containerDir.Remove($"{log.RestartCount - 2}.log")) RemoveLinks(links, $"{dir}/{log.RestartCount - 2}.log");
        links.Set(LinkName(pod, container, containerId), new SymlinkNode($"{dir}/{name}") { ModifiedAt = now });
    }

    /// <summary>The pod is gone: its log directory and links go with it (the kubelet's container and pod GC).</summary>
    private void Forget(V1Pod pod)
    {
        if (pod.Spec?.NodeName != kubelet.NodeName) return;
        if (kubelet.DataPlane.Volumes.Find(kubelet.NodeName, PodsDir) is DirectoryNode pods) pods.Remove(PodDirName(pod));
        if (kubelet.DataPlane.Volumes.Find(kubelet.NodeName, ContainersDir) is DirectoryNode links) RemoveLinks(links, $"{PodsDir}/{PodDirName(pod)}/");
        lock (published) published.Remove(pod.Metadata.Uid);
    }

    private static void RemoveLinks(DirectoryNode links, string targetPrefix)
    {
        foreach (var (name, node) in links.Entries())
            if (node is SymlinkNode l && l.Target.StartsWith(targetPrefix, StringComparison.Ordinal)) links.Remove(name);
    }
}
