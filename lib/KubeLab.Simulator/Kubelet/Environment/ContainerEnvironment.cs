// TEMPORARY STUB (replaced by the volumes branch)
using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Kubelet.Environment;

public sealed class ContainerConfigException(string message) : Exception(message);

public static class ContainerEnvironment
{
    public static Task<Dictionary<string, string>> ResolveAsync(V1Pod pod, V1Container c, string podIp, string hostIp, IKubernetes client, CancellationToken ct) =>
        Task.FromResult((c.Env ?? []).Where(e => e.Value is not null).ToDictionary(e => e.Name, e => e.Value));
}
