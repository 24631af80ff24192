using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Controllers.Deployment;

/// <summary>
/// How a Deployment names and numbers its ReplicaSets (deployment_util.go, controller_utils.go ComputeHash):
/// the <c>pod-template-hash</c> (FNV-32a of the pod template plus status.collisionCount, written with the safe alphabet
/// of k8s.io/apimachinery/pkg/util/rand so it never spells words), the ReplicaSet name <c>&lt;deployment&gt;-&lt;hash&gt;</c>,
/// and the revision annotations: a new or re-used template gets max(old revisions)+1 and its previous number moves
/// to <c>revision-history</c>.
/// </summary>
public static class RolloutRevisions
{
    public const string PodTemplateHashLabel = "pod-template-hash";
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    public const string RevisionHistoryAnnotation = "deployment.kubernetes.io/revision-history";
    public const string DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
    public const string MaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";
    public const string ChangeCauseAnnotation = "kubernetes.io/change-cause";
    public const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";
    public const string RollbackToAnnotation = "deprecated.deployment.rollback.to";

    /// <summary>Annotations that belong to the Deployment itself and are never copied onto its ReplicaSets.</summary>
    public static readonly IReadOnlySet<string> NotCopiedToReplicaSets = new HashSet<string>
    {
        LastAppliedAnnotation, RevisionAnnotation, RevisionHistoryAnnotation, DesiredReplicasAnnotation, MaxReplicasAnnotation, RollbackToAnnotation,
    };

    /// <summary>rand.SafeEncodeString's alphabet: no vowels and no 0/1/3 so a hash never spells a (bad) word.</summary>
    public const string SafeAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static string SafeEncode(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var ch in s) sb.Append(SafeAlphabet[ch % SafeAlphabet.Length]);
        return sb.ToString();
    }

    /// <summary>FNV-32a over the template, then the collision count (little-endian) if set; the decimal value safe-encoded.</summary>
    public static string PodTemplateHash(V1PodTemplateSpec template, int? collisionCount)
    {
        var bytes = new List<byte>(Encoding.UTF8.GetBytes(Canonical(template)?.ToJsonString() ?? "{}"));
        if (collisionCount is { } c) bytes.AddRange(BitConverter.IsLittleEndian ? BitConverter.GetBytes((uint)c) : BitConverter.GetBytes((uint)c).Reverse());
        uint hash = 2166136261;
        foreach (var b in bytes) { hash ^= b; hash *= 16777619; }
        return SafeEncode(hash.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>EqualIgnoreHash: two pod templates are the same if they differ at most in the pod-template-hash label.</summary>
    public static bool EqualIgnoreHash(V1PodTemplateSpec? a, V1PodTemplateSpec? b)
    {
        var x = Canonical(a);
        var y = Canonical(b);
        (x?["metadata"]?["labels"] as JsonObject)?.Remove(PodTemplateHashLabel);
        (y?["metadata"]?["labels"] as JsonObject)?.Remove(PodTemplateHashLabel);
        return JsonNode.DeepEquals(Prune(x), Prune(y));
    }

    /// <summary>The template as JSON with nulls and empty maps/lists dropped (Kubernetes' semantic equality treats nil and empty alike).</summary>
    private static JsonNode? Canonical(V1PodTemplateSpec? template) =>
        template is null ? null : Prune(JsonNode.Parse(KubernetesJson.Serialize(template)));

    private static JsonNode? Prune(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o.ToList())
                {
                    var pruned = Prune(v);
                    if (pruned is null) o.Remove(k);
                    else if (!ReferenceEquals(pruned, v)) o[k] = pruned;
                }
                return o.Count == 0 ? null : o;
            case JsonArray a:
                return a.Count == 0 ? null : a;
            default:
                return node;
        }
    }

    /// <summary>The revision number an object carries (0 when it has none or it is not a number).</summary>
    public static long Revision(V1ObjectMeta meta) =>
        meta.Annotations?.TryGetValue(RevisionAnnotation, out var v) == true && long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

    public static long MaxRevision(IEnumerable<V1ReplicaSet> replicaSets) => replicaSets.Select(rs => Revision(rs.Metadata)).DefaultIfEmpty(0).Max();

    public static int? IntAnnotation(V1ObjectMeta meta, string key) =>
        meta.Annotations?.TryGetValue(key, out var v) == true && int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>
    /// SetNewReplicaSetAnnotations: copy the Deployment's own annotations (change-cause among them), raise the revision to
    /// <paramref name="newRevision"/> keeping the old number in revision-history, and on creation record desired/max replicas.
    /// Returns whether anything changed.
    /// </summary>
    public static bool SetNewReplicaSetAnnotations(V1Deployment d, V1ReplicaSet rs, long newRevision, bool exists, int maxSurge)
    {
        rs.Metadata.Annotations ??= new Dictionary<string, string>();
        var a = rs.Metadata.Annotations;
        var changed = CopyDeploymentAnnotations(d, rs);
        var oldRevision = a.TryGetValue(RevisionAnnotation, out var o) ? o : "";
        var oldNumber = long.TryParse(oldRevision, NumberStyles.None, CultureInfo.InvariantCulture, out var on) ? on : 0;
        if (oldNumber < newRevision)
        {
            a[RevisionAnnotation] = newRevision.ToString(CultureInfo.InvariantCulture);
            changed = true;
            if (oldRevision.Length > 0)
                a[RevisionHistoryAnnotation] = a.TryGetValue(RevisionHistoryAnnotation, out var h) && h.Length > 0 ? h + "," + oldRevision : oldRevision;
        }
        if (!exists && SetReplicasAnnotations(rs, RolloutArithmetic.Replicas(d), RolloutArithmetic.Replicas(d) + maxSurge)) changed = true;
        return changed;
    }

    /// <summary>copyDeploymentAnnotationsToReplicaSet: the Deployment's annotations win, except the ones it keeps for itself.</summary>
    public static bool CopyDeploymentAnnotations(V1Deployment d, V1ReplicaSet rs)
    {
        rs.Metadata.Annotations ??= new Dictionary<string, string>();
        var changed = false;
        foreach (var (k, v) in d.Metadata.Annotations ?? new Dictionary<string, string>())
        {
            if (NotCopiedToReplicaSets.Contains(k) || (rs.Metadata.Annotations.TryGetValue(k, out var cur) && cur == v)) continue;
            rs.Metadata.Annotations[k] = v;
            changed = true;
        }
        return changed;
    }

    /// <summary>SetReplicasAnnotations: desired-replicas and max-replicas (replicas + maxSurge) that proportional scaling reads back.</summary>
    public static bool SetReplicasAnnotations(V1ReplicaSet rs, int desired, int max)
    {
        rs.Metadata.Annotations ??= new Dictionary<string, string>();
        var a = rs.Metadata.Annotations;
        var d = desired.ToString(CultureInfo.InvariantCulture);
        var m = max.ToString(CultureInfo.InvariantCulture);
        var changed = !(a.TryGetValue(DesiredReplicasAnnotation, out var cd) && cd == d) || !(a.TryGetValue(MaxReplicasAnnotation, out var cm) && cm == m);
        a[DesiredReplicasAnnotation] = d;
        a[MaxReplicasAnnotation] = m;
        return changed;
    }
}
