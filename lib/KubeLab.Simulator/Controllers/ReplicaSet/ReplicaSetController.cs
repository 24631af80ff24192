using k8s;
using k8s.Models;
using KubeLab.Simulator.Api;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Controllers.ReplicaSet;

/// <summary>
/// apps/v1 ReplicaSet controller ("replicaset-controller" in kube-controller-manager). Its selector is a full
/// LabelSelector (matchLabels + matchExpressions with In, NotIn, Exists, DoesNotExist). The replica-keeping itself
/// lives in <see cref="ReplicaKeeper{TOwner, TOwnerList}"/>, shared with the ReplicationController.
/// </summary>
public sealed class ReplicaSetController(IKubernetes client, Informer<V1ReplicaSet, V1ReplicaSetList> replicaSets,
    Informer<V1Pod, V1PodList> pods, TimeProvider time)
    : ReplicaKeeper<V1ReplicaSet, V1ReplicaSetList>(client, replicaSets, pods, time, "replicaset-controller")
{
    protected override string Kind => "ReplicaSet";
    protected override string ApiVersion => "apps/v1";

    protected override LabelSelector SelectorOf(V1ReplicaSet owner) => LabelSelector.FromV1(owner.Spec?.Selector);
    protected override int DesiredReplicas(V1ReplicaSet owner) => owner.Spec?.Replicas ?? 1;
    protected override V1PodTemplateSpec? TemplateOf(V1ReplicaSet owner) => owner.Spec?.Template;
    protected override int MinReadySeconds(V1ReplicaSet owner) => owner.Spec?.MinReadySeconds ?? 0;

    protected override ReplicaCounts? StatusOf(V1ReplicaSet owner) => owner.Status is not { } s ? null :
        new(s.Replicas, s.FullyLabeledReplicas ?? 0, s.ReadyReplicas ?? 0, s.AvailableReplicas ?? 0, s.ObservedGeneration);

    protected override Task WriteStatusAsync(V1ReplicaSet owner, ReplicaCounts c, CancellationToken ct) =>
        Client.AppsV1.ReplaceNamespacedReplicaSetStatusAsync(UpdateFromPatch.Status(owner, (string)StatusPatch(c).Content), owner.Metadata.Name,
            owner.Metadata.NamespaceProperty, cancellationToken: ct); // UpdateStatus: the role grants update on replicasets/status, not patch

    internal static V1Patch StatusPatch(ReplicaCounts c) => new(KubernetesJson.Serialize(new
    {
        status = new
        {
            replicas = c.Replicas,
            fullyLabeledReplicas = c.FullyLabeledReplicas,
            readyReplicas = c.ReadyReplicas,
            availableReplicas = c.AvailableReplicas,
            observedGeneration = c.ObservedGeneration,
        },
    }), V1Patch.PatchType.MergePatch);
}
