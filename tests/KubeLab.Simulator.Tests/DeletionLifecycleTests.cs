using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests;

/// <summary>Finalizers, owner-reference garbage collection, graceful pod deletion and namespace termination.</summary>
public class DeletionLifecycleTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private static async Task Until(Func<Task<bool>> condition, string what, double seconds = 5)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting for: {what}");
            await Task.Delay(50);
        }
    }

    private async Task<bool> Gone(string name, string ns)
        => await Objects.StatusOf(() => f.Client.CoreV1.ReadNamespacedConfigMapAsync(name, ns)) == 404;

    private async Task<V1ConfigMap> Dependent(string name, string ns, V1ConfigMap owner, IList<string>? finalizers = null)
    {
        var cm = Objects.ConfigMap(name);
        cm.Metadata.Finalizers = finalizers;
        cm.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = owner.Metadata.Name, Uid = owner.Metadata.Uid, BlockOwnerDeletion = true }];
        return await f.Client.CoreV1.CreateNamespacedConfigMapAsync(cm, ns);
    }

    [Fact]
    public async Task Finalizers_keep_a_deleted_object_until_they_are_removed()
    {
        var ns = await f.NewNamespaceAsync();
        var cm = Objects.ConfigMap("fin");
        cm.Metadata.Finalizers = ["example.com/hold"];
        await f.Client.CoreV1.CreateNamespacedConfigMapAsync(cm, ns);
        await f.Client.CoreV1.DeleteNamespacedConfigMapAsync("fin", ns);

        var held = await f.Client.CoreV1.ReadNamespacedConfigMapAsync("fin", ns);
        Assert.NotNull(held.Metadata.DeletionTimestamp);
        held.Metadata.Finalizers = [];
        await f.Client.CoreV1.ReplaceNamespacedConfigMapAsync(held, "fin", ns);
        Assert.True(await Gone("fin", ns));
    }

    [Fact]
    public async Task Background_propagation_deletes_dependents_after_the_owner()
    {
        var ns = await f.NewNamespaceAsync();
        var owner = await f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("owner"), ns);
        await Dependent("dep1", ns, owner);
        await Dependent("dep2", ns, owner);
        await f.Client.CoreV1.DeleteNamespacedConfigMapAsync("owner", ns, propagationPolicy: "Background");
        Assert.True(await Gone("owner", ns));
        await Until(async () => await Gone("dep1", ns) && await Gone("dep2", ns), "dependents garbage collected");
    }

    [Fact]
    public async Task Foreground_propagation_keeps_the_owner_until_dependents_are_gone()
    {
        var ns = await f.NewNamespaceAsync();
        var owner = await f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("owner"), ns);
        await Dependent("held", ns, owner, ["example.com/hold"]);
        await f.Client.CoreV1.DeleteNamespacedConfigMapAsync("owner", ns, propagationPolicy: "Foreground");

        var waiting = await f.Client.CoreV1.ReadNamespacedConfigMapAsync("owner", ns);
        Assert.NotNull(waiting.Metadata.DeletionTimestamp);
        Assert.Contains("foregroundDeletion", waiting.Metadata.Finalizers);
        await Until(async () => (await f.Client.CoreV1.ReadNamespacedConfigMapAsync("held", ns)).Metadata.DeletionTimestamp is not null, "dependent marked for deletion");
        Assert.False(await Gone("owner", ns));

        var held = await f.Client.CoreV1.ReadNamespacedConfigMapAsync("held", ns);
        held.Metadata.Finalizers = [];
        await f.Client.CoreV1.ReplaceNamespacedConfigMapAsync(held, "held", ns);
        await Until(() => Gone("owner", ns), "owner removed after its last dependent");
    }

    [Fact]
    public async Task Orphan_propagation_removes_owner_references_and_keeps_dependents()
    {
        var ns = await f.NewNamespaceAsync();
        var owner = await f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("owner"), ns);
        await Dependent("orphan", ns, owner);
        await f.Client.CoreV1.DeleteNamespacedConfigMapAsync("owner", ns, propagationPolicy: "Orphan");
        await Until(() => Gone("owner", ns), "owner removed");
        var orphan = await f.Client.CoreV1.ReadNamespacedConfigMapAsync("orphan", ns);
        Assert.True(orphan.Metadata.OwnerReferences is null or { Count: 0 });
        Assert.Null(orphan.Metadata.DeletionTimestamp);
    }

    [Fact]
    public async Task Pod_on_a_node_is_deleted_gracefully_and_removed_by_a_zero_grace_delete()
    {
        var ns = await f.NewNamespaceAsync();
        var pod = Objects.Pod("graceful");
        pod.Spec.NodeName = "node-without-kubelet";   // no kubelet model acts on this node
        await f.Client.CoreV1.CreateNamespacedPodAsync(pod, ns);
        await f.Client.CoreV1.DeleteNamespacedPodAsync("graceful", ns);

        var terminating = await f.Client.CoreV1.ReadNamespacedPodAsync("graceful", ns);
        Assert.NotNull(terminating.Metadata.DeletionTimestamp);
        Assert.Equal(30, terminating.Metadata.DeletionGracePeriodSeconds);

        await f.Client.CoreV1.DeleteNamespacedPodAsync("graceful", ns, gracePeriodSeconds: 0);
        Assert.Equal(404, await Objects.StatusOf(() => f.Client.CoreV1.ReadNamespacedPodAsync("graceful", ns)));
    }

    [Fact]
    public async Task Namespace_deletion_terminates_then_removes_contents_and_namespace()
    {
        var ns = await f.NewNamespaceAsync();
        await f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("a"), ns);
        await f.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new() { Name = "s" } }, ns);
        var hold = Objects.ConfigMap("hold");
        hold.Metadata.Finalizers = ["example.com/hold"];
        await f.Client.CoreV1.CreateNamespacedConfigMapAsync(hold, ns);

        await f.Client.CoreV1.DeleteNamespaceAsync(ns);
        var terminating = await f.Client.CoreV1.ReadNamespaceAsync(ns);
        Assert.Equal("Terminating", terminating.Status.Phase);

        var e = await Objects.Fails(() => f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("late"), ns));
        Assert.Equal(403, (int)e.Response.StatusCode);
        Assert.Equal($"configmaps \"late\" is forbidden: unable to create new content in namespace {ns} because it is being terminated",
            e.StatusBody()["message"]!.GetValue<string>());

        await Until(async () => await Gone("a", ns), "contents deleted");
        var held = await f.Client.CoreV1.ReadNamespacedConfigMapAsync("hold", ns);
        held.Metadata.Finalizers = [];
        await f.Client.CoreV1.ReplaceNamespacedConfigMapAsync(held, "hold", ns);
        await Until(async () => await Objects.StatusOf(() => f.Client.CoreV1.ReadNamespaceAsync(ns)) == 404, "namespace removed", 3);
    }

    [Fact]
    public async Task Delete_with_stale_uid_precondition_is_a_conflict()
    {
        var ns = await f.NewNamespaceAsync();
        await f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("p"), ns);
        var e = await Objects.Fails(() => f.Client.CoreV1.DeleteNamespacedConfigMapAsync("p", ns, new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = "not-the-uid" } }));
        Assert.Equal(409, (int)e.Response.StatusCode);
        Assert.False(await Gone("p", ns));
    }

    [Fact]
    public async Task Deletecollection_honours_the_label_selector()
    {
        var ns = await f.NewNamespaceAsync();
        await f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("x1", new Dictionary<string, string> { ["app"] = "x" }), ns);
        await f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("x2", new Dictionary<string, string> { ["app"] = "x" }), ns);
        await f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("y", new Dictionary<string, string> { ["app"] = "y" }), ns);
        await f.Client.CoreV1.DeleteCollectionNamespacedConfigMapAsync(ns, labelSelector: "app=x");
        var left = await f.Client.CoreV1.ListNamespacedConfigMapAsync(ns);
        Assert.Equal(["y"], left.Items.Select(i => i.Metadata.Name).Where(n => n != ClusterFixture.RootCaConfigMap));
    }
}
