using k8s;
using k8s.Models;
using KubeLab.Simulator.Api;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Controllers.ReplicaSet;

/// <summary>
/// core/v1 ReplicationController controller ("replication-controller" in kube-controller-manager) – the ReplicaSet's
/// predecessor. The one difference the course shows: its selector is a plain map of labels, matched by equality only
/// (no matchExpressions, no set-based operators). When the selector is empty the template's labels are used,
/// as the API server defaults it. Everything else is the shared <see cref="ReplicaKeeper{TOwner, TOwnerList}"/>.
/// </summary>
public sealed class ReplicationControllerController(IKubernetes client, Informer<V1ReplicationController, V1ReplicationControllerList> controllers,
    Informer<V1Pod, V1PodList> pods, TimeProvider time)
    : ReplicaKeeper<V1ReplicationController, V1ReplicationControllerList>(client, controllers, pods, time, "replication-controller")
{
    protected override string Kind => "ReplicationController";
    protected override string ApiVersion => "v1";

    protected override LabelSelector SelectorOf(V1ReplicationController owner)
    {
        var equality = owner.Spec?.Selector is { Count: > 0 } s ? s : owner.Spec?.Template?.Metadata?.Labels;
        if (equality is null || equality.Count == 0) return LabelSelector.Nothing; // nothing to match on: select no pods
        return LabelSelector.FromV1(new V1LabelSelector { MatchLabels = equality });
    }

    protected override int DesiredReplicas(V1ReplicationController owner) => owner.Spec?.Replicas ?? 1;
    protected override V1PodTemplateSpec? TemplateOf(V1ReplicationController owner) => owner.Spec?.Template;
    protected override int MinReadySeconds(V1ReplicationController owner) => owner.Spec?.MinReadySeconds ?? 0;

    protected override ReplicaCounts? StatusOf(V1ReplicationController owner) => owner.Status is not { } s ? null :
        new(s.Replicas, s.FullyLabeledReplicas ?? 0, s.ReadyReplicas ?? 0, s.AvailableReplicas ?? 0, s.ObservedGeneration);

    protected override Task WriteStatusAsync(V1ReplicationController owner, ReplicaCounts c, CancellationToken ct) =>
        Client.CoreV1.ReplaceNamespacedReplicationControllerStatusAsync(UpdateFromPatch.Status(owner, (string)ReplicaSetController.StatusPatch(c).Content), owner.Metadata.Name,
            owner.Metadata.NamespaceProperty, cancellationToken: ct);
}
