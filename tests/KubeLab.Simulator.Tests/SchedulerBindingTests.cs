using k8s;

namespace KubeLab.Simulator.Tests;

/// <summary>The scheduler's binding cycle when the pod changes under it.</summary>
public class SchedulerBindingTests(ControlPlaneCluster cp) : IClassFixture<ControlPlaneCluster>
{
    private IKubernetes Client => cp.Client;

    /// <summary>
    /// Regression: a pod deleted while the scheduler was binding it (as a ReplicaSet deletes a surplus bare pod moments after it
    /// was created) answers the binding with 404 NotFound. That is "nothing to do" – it once made the scheduler give up on the
    /// binding subresource altogether, after which no pod in the cluster was ever scheduled again.
    /// </summary>
    [Fact]
    public async Task A_pod_deleted_during_scheduling_does_not_stop_later_pods_from_being_scheduled()
    {
        var ns = await cp.NewNamespaceAsync("bind-race");
        for (var i = 0; i < 20; i++)
        {
            await Client.CoreV1.CreateNamespacedPodAsync(ControlPlaneCluster.Pod($"stray-{i}"), ns);
            if (i % 4 != 0) await Task.Delay(i % 5); // vary where in the scheduling cycle the deletion lands
            await Client.CoreV1.DeleteNamespacedPodAsync($"stray-{i}", ns);
            await Client.CoreV1.CreateNamespacedPodAsync(ControlPlaneCluster.Pod($"next-{i}"), ns);
            var next = await ObservedState.Until(() => Client.CoreV1.ReadNamespacedPodAsync($"next-{i}", ns),
                p => !string.IsNullOrEmpty(p.Spec.NodeName), $"next-{i} to be bound to a node");
            Assert.StartsWith("k8s-course-worker", next.Spec.NodeName);
        }
        var failures = await Client.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: "reason=FailedScheduling");
        Assert.Empty(failures.Items);
    }
}
