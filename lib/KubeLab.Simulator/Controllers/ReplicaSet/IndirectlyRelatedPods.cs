using k8s.Models;
using KubeLab.Simulator.Api;

namespace KubeLab.Simulator.Controllers.ReplicaSet;

/// <summary>
/// getIndirectlyRelatedPods (pkg/controller/replicaset/replica_set.go): the pods the scale-down ranking counts per node.
/// They are the pods selected by every owner that shares this owner's controller – for a ReplicaSet, all ReplicaSets of
/// the same Deployment (old and new revisions), each pod once. An owner without a controller has no related pods.
/// </summary>
internal static class IndirectlyRelatedPods
{
    public static List<V1Pod> Of(V1ObjectMeta owner, IEnumerable<(V1ObjectMeta Meta, LabelSelector Selector)> namespaceOwners,
        IReadOnlyList<V1Pod> namespacePods)
    {
        var controllerUid = ControllerUid(owner);
        if (controllerUid is null) return [];
        var seen = new HashSet<string>();
        var related = new List<V1Pod>();
        foreach (var (meta, selector) in namespaceOwners)
        {
            if (ControllerUid(meta) != controllerUid) continue;
            foreach (var pod in namespacePods)
                if (selector.Matches(pod.Metadata.Labels) && seen.Add(pod.Metadata.Uid)) related.Add(pod);
        }
        return related;
    }

    private static string? ControllerUid(V1ObjectMeta meta) => meta.OwnerReferences?.FirstOrDefault(r => r.Controller == true)?.Uid;
}
