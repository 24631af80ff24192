using k8s;
using k8s.Models;

namespace KubeLab.Runner;

/// <summary>One node as <c>kubectl get nodes -o json</c> reports it.</summary>
public sealed record KindNode(string Name, bool ControlPlane, string KubeletVersion, bool Ready);

/// <summary>What an existing k8s-course cluster looks like compared with environment/kind-cluster.yaml.</summary>
public sealed record KindNodeReport(IReadOnlyList<KindNode> Nodes, IReadOnlyList<string> Problems)
{
    /// <summary>Right shape and version (Ready aside): 1 control-plane + 2 workers, all kubelets v1.32.x.</summary>
    public bool ShapeOk => Problems.Count == 0;
    public IReadOnlyList<KindNode> NotReady => Nodes.Where(n => !n.Ready).ToList();
}

/// <summary>
/// Checks the nodes of an existing cluster: the course needs 1 control-plane + 2 workers on Kubernetes 1.32 (05 counts one
/// DaemonSet pod per worker; 00 shows the tainted control plane). A cluster made by hand or by an older course version is
/// reported with the way to recreate it. Roles come from the node-role.kubernetes.io/control-plane label kubeadm sets.
/// </summary>
public static class KindNodeCheck
{
    public const string RequiredMinor = "v1.32.";
    public const int ControlPlanes = 1;
    public const int Workers = 2;
    private const string ControlPlaneLabel = "node-role.kubernetes.io/control-plane";

    public static string RecreateHint =>
        $"Recreate it: `kind delete cluster --name {KindCluster.ClusterName}`, then `kubelab up` (it creates the cluster from environment/kind-cluster.yaml).";

    public static string[] GetNodesArgs(string kubeconfig, string context) =>
        ["get", "nodes", "-o", "json", "--kubeconfig", kubeconfig, "--context", context];

    /// <summary>Waits for every node's Ready condition (kind's <c>--wait</c> covers the control plane only).</summary>
    public static string[] WaitReadyArgs(string kubeconfig, string context, TimeSpan timeout) =>
        ["wait", "--for=condition=Ready", "nodes", "--all", $"--timeout={(int)timeout.TotalSeconds}s", "--kubeconfig", kubeconfig, "--context", context];

    /// <summary>Parses a NodeList in JSON. Throws <see cref="FormatException"/> when it is not one.</summary>
    public static IReadOnlyList<KindNode> Parse(string json)
    {
        V1NodeList? list;
        try { list = KubernetesJson.Deserialize<V1NodeList>(json); }
        catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException) { throw new FormatException($"not a NodeList: {e.Message}", e); }
        if (list?.Items is null) throw new FormatException("not a NodeList: no items");
        return list.Items.Select(n => new KindNode(
            n.Metadata?.Name ?? "?",
            n.Metadata?.Labels?.ContainsKey(ControlPlaneLabel) == true,
            n.Status?.NodeInfo?.KubeletVersion ?? "?",
            n.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true)).ToList();
    }

    public static KindNodeReport Check(IReadOnlyList<KindNode> nodes)
    {
        var problems = new List<string>();
        var cp = nodes.Count(n => n.ControlPlane);
        var workers = nodes.Count - cp;
        if (cp != ControlPlanes || workers != Workers)
            problems.Add($"it has {cp} control-plane node(s) and {workers} worker(s); the course needs {ControlPlanes} control-plane and {Workers} workers");
        var wrong = nodes.Where(n => !n.KubeletVersion.StartsWith(RequiredMinor, StringComparison.Ordinal)).ToList();
        if (wrong.Count > 0)
            problems.Add($"node(s) {string.Join(", ", wrong.Select(n => $"{n.Name} ({n.KubeletVersion})"))} do not run Kubernetes {RequiredMinor}x");
        return new KindNodeReport(nodes, problems);
    }

    public static string Describe(IEnumerable<KindNode> nodes) =>
        string.Join(", ", nodes.Select(n => $"{n.Name} ({(n.ControlPlane ? "control-plane" : "worker")}, {n.KubeletVersion}, {(n.Ready ? "Ready" : "NotReady")})"));
}
