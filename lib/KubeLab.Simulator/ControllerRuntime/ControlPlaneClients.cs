using k8s;

namespace KubeLab.Simulator.ControllerRuntime;

/// <summary>
/// The identities the in-process components act under, as on a kind node:
/// <list type="bullet">
/// <item><see cref="ControllerManager"/>: kube-controller-manager's shared informers (controller-manager.conf) and one service
/// account per controller loop (<c>--use-service-account-credentials</c>).</item>
/// <item><see cref="Scheduler"/>: kube-scheduler's scheduler.conf, user <c>system:kube-scheduler</c>.</item>
/// <item><see cref="Kubelets"/>: the client of a node's kubelet, by node name (<c>system:node:&lt;name&gt;</c>); disposed by the
/// control plane with the kubelet.</item>
/// <item><see cref="CloudProvider"/>: cloud-provider-kind, which runs outside the cluster with kind's admin kubeconfig.</item>
/// <item><see cref="LocalPathProvisioner"/>: kind's local-path-provisioner (upstream the service account
/// local-path-storage/local-path-provisioner-service-account bound to ClusterRole local-path-provisioner-role).</item>
/// </list>
/// </summary>
public sealed record ControlPlaneClients(
    ControllerClientBuilder ControllerManager,
    IKubernetes Scheduler,
    Func<string, IKubernetes> Kubelets,
    IKubernetes CloudProvider,
    IKubernetes LocalPathProvisioner);
