using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests.Controllers;

/// <summary>
/// Regression for a duplicate create: a sync that read the pod cache before checking its expectations could see the
/// expectations satisfied (both pod adds arrived in between) yet act on the older snapshot that lacked a pod, and create a
/// third pod for two nodes (later deleted as a duplicate). Upstream checks SatisfiedExpectations before listing pods
/// (pkg/controller/daemon/daemon_controller.go syncDaemonSet → manage → getNodesToDaemonPods). The window is a few
/// instructions wide, so the test repeats the first-sync/second-sync sequence many times with busy threads on every core
/// (with a 3 ms pause forced into the window, the old order produced duplicates within 24 DaemonSets; the fixed one none).
/// </summary>
public class DaemonSetExpectationsStressTests(ControlPlaneCluster cp) : IClassFixture<ControlPlaneCluster>
{
    private const int DaemonSets = 24;
    private IKubernetes Client => cp.Client;

    private static V1DaemonSet DaemonSet(string name) => new()
    {
        ApiVersion = "apps/v1", Kind = "DaemonSet",
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DaemonSetSpec
        {
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "agent", Image = "fluent/fluent-bit:3.2.2" }] },
            },
        },
    };

    [Fact]
    public async Task DaemonSets_created_one_after_another_under_CPU_load_get_exactly_one_pod_per_worker()
    {
        var ns = await cp.NewNamespaceAsync("ds-stress");
        var names = Enumerable.Range(0, DaemonSets).Select(i => $"agent{i}").ToList();
        // Busy threads on every core make the controller's worker lose the CPU at arbitrary points, as on a loaded machine.
        using var busy = new CancellationTokenSource();
        var spinners = Enumerable.Range(0, 2 * Environment.ProcessorCount)
            .Select(_ => new Thread(() => { while (!busy.IsCancellationRequested) Thread.SpinWait(1000); }) { IsBackground = true }).ToList();
        spinners.ForEach(t => t.Start());
        try
        {
            // One at a time: the race is between a DaemonSet's first sync and the one right after it (queued by its own
            // status write), so the queue must not be busy with other DaemonSets in between.
            foreach (var n in names)
            {
                await Client.AppsV1.CreateNamespacedDaemonSetAsync(DaemonSet(n), ns);
                await ObservedState.Until(() => Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: $"app={n}"),
                    l => l.Items.Count(p => p.Spec.NodeName is not null) >= 2, $"two scheduled pods for {n}", 30, l => $"{l.Items.Count} pods");
            }
        }
        finally
        {
            busy.Cancel();
            spinners.ForEach(t => t.Join());
        }
        var events = await ObservedState.Until(() => cp.EventsAsync(ns),
            e => names.All(n => e.Count(x => x.InvolvedObject.Name == n && x.Reason == "SuccessfulCreate") >= 2),
            "two SuccessfulCreate events for every DaemonSet", 30, e => $"{e.Count} events");

        // …and none ever created a third pod (nor deleted one as a duplicate).
        var extra = names
            .Select(n => (Name: n,
                Creates: events.Where(x => x.InvolvedObject.Name == n && x.Reason == "SuccessfulCreate").Sum(x => x.Count ?? 1),
                Deletes: events.Where(x => x.InvolvedObject.Name == n && x.Reason == "SuccessfulDelete").Sum(x => x.Count ?? 1)))
            .Where(x => x.Creates != 2 || x.Deletes != 0)
            .Select(x => $"{x.Name}: {x.Creates} creates, {x.Deletes} deletes")
            .ToList();
        Assert.True(extra.Count == 0, string.Join("; ", extra));
        var pods = await Client.CoreV1.ListNamespacedPodAsync(ns);
        Assert.Equal(2 * DaemonSets, pods.Items.Count);
    }
}
