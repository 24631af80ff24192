using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Authorization;

/// <summary>
/// The Node authorizer's relationship graph (plugin/pkg/auth/authorizer/node/graph.go, graph_populator.go), flattened to what
/// the simulator's pods can reference: a pod bound to a node (spec.nodeName set) links that node to the pod itself, its
/// ServiceAccount, the Secrets and ConfigMaps it names (volumes, projected sources, env, envFrom, imagePullSecrets, podutil
/// VisitPodSecretNames / VisitPodConfigmapNames) and its PersistentVolumeClaims (ephemeral volumes included); a PersistentVolume
/// reaches the node through the claim in its spec.claimRef. Not modelled: a PV's own secret references, ResourceClaims,
/// VolumeAttachments, a Node's configSource. Kept up to date from the store's change events (under the store's lock, so a pod
/// is in the graph before any watcher sees it bound), with a reference count per (object, node), so a lookup is one hash probe
/// however many pods the cluster holds.
/// </summary>
public sealed class NodeGraph
{
    private static readonly ConditionalWeakTable<ObjectStore, NodeGraph> PerStore = new();
    private static readonly ResourceType Pods = ResourceRegistry.ForKind("Pod");
    private static readonly ResourceType Volumes = ResourceRegistry.ForKind("PersistentVolume");

    /// <summary>The vertex types a node can reach (graph.go vertexType).</summary>
    public enum Kind { Pod, Secret, ConfigMap, PersistentVolumeClaim, ServiceAccount }

    private readonly object gate = new();
    // (kind, namespace, name) → node name → how many of the node's pods reference the object.
    private readonly Dictionary<(Kind, string, string), Dictionary<string, int>> edges = new();
    // What each bound pod contributed (namespace/name → node and references), to take it back when the pod changes or goes.
    private readonly Dictionary<string, (string Node, List<(Kind, string, string)> Refs)> pods = new(StringComparer.Ordinal);
    // PersistentVolume name → the claim (namespace, name) in its spec.claimRef.
    private readonly Dictionary<string, (string Namespace, string Name)> volumeClaims = new(StringComparer.Ordinal);
    // Keys an event touched while the initial listing ran (that listing is older for them).
    private HashSet<string>? touchedDuringStart = new(StringComparer.Ordinal);

    private NodeGraph(ObjectStore store)
    {
        store.Changed += OnChanged;
        var (existingPods, _) = store.List(Pods, null);
        var (existingVolumes, _) = store.List(Volumes, null);
        lock (gate)
        {
            foreach (var pod in existingPods)
                if (!touchedDuringStart!.Contains("pod:" + PodKey(pod))) SetPod(PodKey(pod), pod);
            foreach (var pv in existingVolumes)
                if (!touchedDuringStart!.Contains("pv:" + pv.Name())) SetVolume(pv.Name(), pv);
            touchedDuringStart = null;
        }
    }

    /// <summary>The graph of the API server holding <paramref name="store"/>.</summary>
    public static NodeGraph For(ObjectStore store) => PerStore.GetValue(store, s => new NodeGraph(s));

    private static string PodKey(JsonObject pod) => $"{pod.Namespace()}/{pod.Name()}";

    private void OnChanged(WatchEvent e)
    {
        var isPod = e.Resource == Pods;
        if (!isPod && e.Resource != Volumes) return;
        var gone = e.Type == "DELETED";
        lock (gate)
        {
            if (isPod)
            {
                var key = PodKey(e.Object);
                touchedDuringStart?.Add("pod:" + key);
                SetPod(key, gone ? null : e.Object);
            }
            else
            {
                touchedDuringStart?.Add("pv:" + e.Object.Name());
                SetVolume(e.Object.Name(), gone ? null : e.Object);
            }
        }
    }

    /// <summary>True when a pod bound to <paramref name="node"/> references the object (hasPathFrom).</summary>
    public bool Reaches(string node, Kind kind, string ns, string name)
    {
        lock (gate) return edges.TryGetValue((kind, ns, name), out var nodes) && nodes.ContainsKey(node);
    }

    /// <summary>node ← pod ← pvc ← pv: the volume's bound claim is used by a pod on <paramref name="node"/>.</summary>
    public bool ReachesVolume(string node, string pvName)
    {
        lock (gate)
            return volumeClaims.TryGetValue(pvName, out var claim)
                && edges.TryGetValue((Kind.PersistentVolumeClaim, claim.Namespace, claim.Name), out var nodes) && nodes.ContainsKey(node);
    }

    private void SetVolume(string name, JsonObject? pv)
    {
        var ns = pv?.Path("spec.claimRef.namespace")?.ToString();
        var claim = pv?.Path("spec.claimRef.name")?.ToString();
        if (string.IsNullOrEmpty(ns) || string.IsNullOrEmpty(claim)) volumeClaims.Remove(name);
        else volumeClaims[name] = (ns, claim);
    }

    private void SetPod(string key, JsonObject? pod)
    {
        if (pods.Remove(key, out var old))
            foreach (var r in old.Refs) Unlink(r, old.Node);
        // graph_populator: only pods bound to a node are in the graph.
        var node = pod?.Path("spec.nodeName")?.ToString();
        if (pod is null || string.IsNullOrEmpty(node)) return;
        var refs = References(pod);
        foreach (var r in refs) Link(r, node);
        pods[key] = (node, refs);
    }

    private void Link((Kind, string, string) vertex, string node)
    {
        if (!edges.TryGetValue(vertex, out var nodes)) edges[vertex] = nodes = new Dictionary<string, int>(StringComparer.Ordinal);
        nodes[node] = nodes.GetValueOrDefault(node) + 1;
    }

    private void Unlink((Kind, string, string) vertex, string node)
    {
        if (!edges.TryGetValue(vertex, out var nodes) || !nodes.TryGetValue(node, out var count)) return;
        if (count > 1) nodes[node] = count - 1;
        else if (nodes.Remove(node) && nodes.Count == 0) edges.Remove(vertex);
    }

    /// <summary>The objects a pod links to its node (graph.go AddPod), distinct.</summary>
    internal static List<(Kind, string, string)> References(JsonObject pod)
    {
        var ns = pod.Namespace() ?? "";
        var set = new HashSet<(Kind, string, string)> { (Kind.Pod, ns, pod.Name()) };
        void Add(Kind k, string? name) { if (!string.IsNullOrEmpty(name)) set.Add((k, ns, name)); }
        var spec = pod["spec"] as JsonObject;
        if (spec is null) return [.. set];
        Add(Kind.ServiceAccount, spec.Str("serviceAccountName"));
        foreach (var s in spec["imagePullSecrets"] as JsonArray ?? []) Add(Kind.Secret, s.Str("name"));
        foreach (var list in new[] { "initContainers", "containers", "ephemeralContainers" })
            foreach (var c in spec[list] as JsonArray ?? [])
            {
                foreach (var from in c?["envFrom"] as JsonArray ?? [])
                {
                    Add(Kind.ConfigMap, from?["configMapRef"].Str("name"));
                    Add(Kind.Secret, from?["secretRef"].Str("name"));
                }
                foreach (var env in c?["env"] as JsonArray ?? [])
                {
                    Add(Kind.ConfigMap, env.Path("valueFrom.configMapKeyRef")?.Str("name"));
                    Add(Kind.Secret, env.Path("valueFrom.secretKeyRef")?.Str("name"));
                }
            }
        foreach (var v in spec["volumes"] as JsonArray ?? [])
        {
            if (v is not JsonObject volume) continue;
            Add(Kind.Secret, volume["secret"].Str("secretName"));
            Add(Kind.ConfigMap, volume["configMap"].Str("name"));
            Add(Kind.PersistentVolumeClaim, volume["persistentVolumeClaim"].Str("claimName"));
            // An ephemeral volume's claim is named <pod>-<volume> (ephemeral.VolumeClaimName).
            if (volume["ephemeral"] is JsonObject) Add(Kind.PersistentVolumeClaim, $"{pod.Name()}-{volume.Str("name")}");
            foreach (var source in volume.Path("projected.sources") as JsonArray ?? [])
            {
                Add(Kind.Secret, source?["secret"].Str("name"));
                Add(Kind.ConfigMap, source?["configMap"].Str("name"));
            }
            // Volume plugins that name a Secret for their credentials.
            Add(Kind.Secret, volume.Path("csi.nodePublishSecretRef")?.Str("name"));
            Add(Kind.Secret, volume["azureFile"].Str("secretName"));
            foreach (var plugin in new[] { "cephfs", "cinder", "flexVolume", "iscsi", "rbd", "scaleIO", "storageos" })
                Add(Kind.Secret, volume[plugin]?["secretRef"].Str("name"));
        }
        return [.. set];
    }
}
