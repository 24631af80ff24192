using k8s;
using k8s.Models;
using static KubeLab.Simulator.Tests.Controllers.PersistentVolume.StorageObjects;

namespace KubeLab.Simulator.Tests.Storage;

/// <summary>kube-scheduler's VolumeBinding / VolumeRestrictions plugins: missing claims, unbound Immediate claims, ReadWriteOncePod.</summary>
public class StorageSchedulingTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private IKubernetes Client => f.Client;

    private Task<Corev1Event> FailedScheduling(string ns, string pod) =>
        ObservedState.Until(async () => (await Client.CoreV1.ListNamespacedEventAsync(ns)).Items.FirstOrDefault(e => e.Reason == "FailedScheduling" && e.InvolvedObject.Name == pod)!,
            e => e is not null, $"FailedScheduling for {pod}");

    [Fact]
    public async Task A_pod_whose_claim_does_not_exist_is_unschedulable()
    {
        var ns = await f.NewNamespaceAsync("sched");
        await Client.CoreV1.CreateNamespacedPodAsync(PodUsing("orphan", "nope"), ns);
        var ev = await FailedScheduling(ns, "orphan");
        Assert.Equal("0/3 nodes are available: persistentvolumeclaim \"nope\" not found. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.", ev.Message);
    }

    [Fact]
    public async Task A_pod_with_an_unbound_Immediate_claim_waits()
    {
        var ns = await f.NewNamespaceAsync("sched");
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("unbound", "1Gi", "missing-" + ns), ns);
        await Client.CoreV1.CreateNamespacedPodAsync(PodUsing("waiting", "unbound"), ns);
        var ev = await FailedScheduling(ns, "waiting");
        Assert.Equal("0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.", ev.Message);
    }

    [Fact]
    public async Task A_second_pod_on_a_ReadWriteOncePod_claim_is_refused()
    {
        var ns = await f.NewNamespaceAsync("sched");
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("solo", "1Gi", modes: ["ReadWriteOncePod"]), ns);
        await Client.CoreV1.CreateNamespacedPodAsync(PodUsing("first", "solo"), ns);
        await ObservedState.Until(() => Client.CoreV1.ReadNamespacedPodAsync("first", ns), p => !string.IsNullOrEmpty(p.Spec.NodeName), "first scheduled", 20);
        await Client.CoreV1.CreateNamespacedPodAsync(PodUsing("second", "solo"), ns);
        var ev = await FailedScheduling(ns, "second");
        Assert.Equal("0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, " +
            "2 node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode. " +
            "preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.", ev.Message);
    }
}
